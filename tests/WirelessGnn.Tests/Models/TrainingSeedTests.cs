using NUnit.Framework;
using WirelessGnn.Models.Cmtssl;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models;

/// <summary>
/// Training, validation and test realisations of a plugin whose realisation k is drawn with seed + k
/// (<c>ConsecutiveSeeds</c>) come from disjoint seed ranges.
/// </summary>
[TestFixture]
public class TrainingSeedTests
{
    private static readonly CmtsslPlugin Plugin = new();

    private static CmtsslConfig Config(int testInstances = 20) => new CmtsslConfig
    {
        Problem = new MecCellFreeConfig { Sbss = 2, Users = 3, Subcarriers = 2 },
        Hidden = new[] { 16 }, ScaleInstances = 20, TestInstances = testInstances,
    } with { Training = new CmtsslConfig().Training with { Steps = 2, BatchSize = 8, TrainInstances = 64, ValidationInstances = 16, ValidateEvery = 1 } };

    private static bool SameChannels(MecCellFreeInstance a, MecCellFreeInstance b) =>
        a.Channel.Cast<System.Numerics.Complex>().SequenceEqual(b.Channel.Cast<System.Numerics.Complex>());

    [Test]
    public void Validation_realisations_are_not_training_realisations()
    {
        var config = Config();
        var trainer = new Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(Plugin, config, CPU, seed: 1);
        var pool = Plugin.Sample(config, config.Training.TrainInstances, Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>.TrainSeed(1));
        var validation = Plugin.Sample(config, config.Training.ValidationInstances, trainer.ValidationSetSeed);
        Assert.That(validation.Any(v => pool.Any(p => SameChannels(p, v))), Is.False);
        // The seed the trainer used before (seed·7919 + 2) makes validation realisation k training realisation k + 1.
        var old = Plugin.Sample(config, 1, Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>.ValidationSeed(1))[0];
        Assert.That(SameChannels(old, pool[1]), Is.True);
    }

    [Test]
    public void A_seed_whose_training_pool_reaches_the_test_set_is_refused()
    {
        // Seed 506 puts the pool at 7919·506 + 1 = 4,007,015.., inside a 10,000-realisation test set from 4,000,001.
        var config = Config(testInstances: 10_000);
        var trainer = new Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(Plugin, config, CPU, seed: 506);
        using var network = Plugin.CreateNetwork(config);
        var error = Assert.Throws<ArgumentException>(() => trainer.Train(network));
        Assert.That(error!.Message, Does.Contain("seed: 506").And.Contain("training pool").And.Contain("test set"));
        Assert.DoesNotThrow(() => new Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(Plugin, Config(), CPU, seed: 506).Train(Plugin.CreateNetwork(Config())));
    }

    [Test]
    public void A_seed_whose_fresh_batches_reach_the_test_set_is_refused()
    {
        // Fresh batch k of seed 16 is drawn from 31·(7919·16 + 1) + 8k = 3,927,855 + 8k: 10,000 steps of 8 reach 4,000,001.
        var config = Config() with { Training = Config().Training with { TrainInstances = 0, Steps = 10_000 } };
        var trainer = new Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(Plugin, config, CPU, seed: 16);
        using var network = Plugin.CreateNetwork(config);
        var error = Assert.Throws<ArgumentException>(() => trainer.Train(network));
        Assert.That(error!.Message, Does.Contain("seed: 16").And.Contain("fresh training batches"));
    }
}
