using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Layers;
using WirelessGnn.Models.Checkpoints;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models;

[TestFixture]
public class CheckpointTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wgnn-checkpoint-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private static Mlp Network(long seed, int hidden = 8)
    {
        torch.manual_seed(seed);
        return new Mlp(new[] { 4, hidden, hidden, 2 }, Activation.ReLU, Normalization.BatchNorm, activateLast: false);
    }

    private static CheckpointInfo Info(long step = 1) => new("test-plugin", "1.2.3", 42, "{\"hidden\":8}", "ap->ms", step, "");

    /// <summary>One Adam step in train mode, so weights and BatchNorm running statistics move away from their initial values.</summary>
    private static void TrainSteps(nn.Module<Tensor, Tensor> network, optim.Optimizer optimizer, int steps, long dataSeed)
    {
        var generator = new Generator((ulong)dataSeed);
        network.train();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var x = randn(16, 4, generator: generator) * 3 + 1;
            var target = randn(16, 2, generator: generator);
            optimizer.zero_grad();
            var loss = (network.call(x) - target).pow(2).mean();
            loss.backward();
            optimizer.step();
        }
    }

    [Test]
    public void Round_trip_gives_a_network_with_bit_identical_outputs_including_batch_norm_statistics()
    {
        var trained = Network(seed: 1);
        using var adam = optim.Adam(trained.parameters(), lr: 0.05);
        TrainSteps(trained, adam, steps: 1, dataSeed: 7);

        var state = trained.state_dict();
        Assert.That(state.Keys, Has.Some.EndsWith("running_mean"), "the state dict holds the BatchNorm buffers");
        Assert.That(state.Keys, Has.Some.EndsWith("num_batches_tracked"));
        var runningMean = state.First(kv => kv.Key.EndsWith("running_mean")).Value;
        Assert.That(runningMean.abs().max().item<float>(), Is.GreaterThan(0f), "running statistics are non-trivial after a step");

        var path = Path.Combine(_directory, "model.safetensors");
        Checkpoint.Save(path, trained, Info());

        var restored = Network(seed: 999);
        using var scope = NewDisposeScope();
        var x = randn(32, 4) * 2;
        trained.eval();
        restored.eval();
        Assert.That(Bits.Identical(restored.call(x), trained.call(x)), Is.False, "a differently seeded network differs before loading");

        var info = Checkpoint.Load(path, restored);
        Assert.That(info.Plugin, Is.EqualTo("test-plugin"));
        Assert.That(Bits.Identical(restored.call(x), trained.call(x)), Is.True, "outputs are bit-identical in eval mode");
        foreach (var (name, tensor) in trained.state_dict())
            Assert.That(Bits.Identical(restored.state_dict()[name], tensor), Is.True, name);
    }

    [Test]
    public void Load_copies_in_place_so_the_parameter_objects_stay_the_same()
    {
        var trained = Network(seed: 1);
        var path = Path.Combine(_directory, "model.safetensors");
        Checkpoint.Save(path, trained, Info());
        var restored = Network(seed: 2);
        var before = restored.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.Handle);
        Checkpoint.Load(path, restored);
        Assert.That(restored.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.Handle), Is.EqualTo(before), "same native tensors");
    }

    [Test]
    public void A_finished_model_is_loaded_only_with_its_marker_and_the_same_training_settings()
    {
        var path = Path.Combine(_directory, "model.safetensors");
        var marker = Path.Combine(_directory, "trained.json");
        var config = new ToyConfig();
        Checkpoint.Save(path, Network(seed: 1), Info() with { ConfigJson = WirelessGnn.Models.Configuration.ConfigBinder.ToJson(config).ToJsonString() });
        var log = new List<string>();
        Assert.That(Checkpoint.TryLoadFinished(path, marker, Network(seed: 2), config, new[] { "note" }, "toy", log.Add), Is.False, "no marker: not finished");
        File.WriteAllText(marker, "{}");
        Assert.That(Checkpoint.TryLoadFinished(path, marker, Network(seed: 2), config with { Note = "scoring only" }, new[] { "note" }, "toy", log.Add), Is.True);
        Assert.That(log, Is.Empty);
        Assert.That(Checkpoint.TryLoadFinished(path, marker, Network(seed: 2), config with { Hidden = 4 }, new[] { "note" }, "toy", log.Add), Is.False);
        Assert.That(log.Single(), Does.Contain("hidden: 8 → 4"));
    }

    [Test]
    public void Info_round_trips_and_the_framework_version_is_filled_in()
    {
        var path = Path.Combine(_directory, "model.safetensors");
        Checkpoint.Save(path, Network(seed: 3), Info(step: 1234) with { Seed = -7 });
        var info = Checkpoint.ReadInfo(path);
        Assert.That(info with { WirelessGnnVersion = "" }, Is.EqualTo(Info(step: 1234) with { Seed = -7 }));
        Assert.That(info.WirelessGnnVersion, Is.EqualTo(Checkpoint.WirelessGnnVersion).And.Not.Empty);

        Checkpoint.Save(path, Network(seed: 3), Info() with { Schema = null, WirelessGnnVersion = "9.9.9" });
        info = Checkpoint.ReadInfo(path);
        Assert.That(info.Schema, Is.Null);
        Assert.That(info.WirelessGnnVersion, Is.EqualTo("9.9.9"));
        var (metadata, _) = SafeTensors.ReadHeader(path);
        Assert.That(metadata["format"], Is.EqualTo(Checkpoint.Format));
        Assert.That(metadata.ContainsKey("schema"), Is.False);
    }

    [Test]
    public void A_different_width_fails_naming_the_first_mismatched_tensor_and_both_shapes()
    {
        var path = Path.Combine(_directory, "model.safetensors");
        Checkpoint.Save(path, Network(seed: 1, hidden: 8), Info());
        var other = Network(seed: 1, hidden: 9);
        var before = other.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        var e = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path, other))!;
        var first = other.state_dict().Keys.First();
        Assert.That(e.TensorName, Is.EqualTo(first));
        Assert.That(e.Message, Does.Contain($"'{first}'").And.Contain("[8, 4]").And.Contain("[9, 4]").And.Contain(path));
        foreach (var (name, tensor) in other.state_dict())
            Assert.That(Bits.Identical(tensor, before[name]), Is.True, $"{name} is untouched by a failed load");
    }

    [Test]
    public void A_missing_or_extra_layer_fails_naming_the_tensor()
    {
        var path = Path.Combine(_directory, "model.safetensors");
        torch.manual_seed(1);
        Checkpoint.Save(path, new Mlp(new[] { 4, 8, 2 }), Info());

        torch.manual_seed(1);
        var deeper = new Mlp(new[] { 4, 8, 2, 2 });
        var e = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path, deeper))!;
        Assert.That(e.Message, Does.Contain("is in the network but not in the checkpoint"));
        Assert.That(e.Message, Does.Contain(e.TensorName));

        torch.manual_seed(1);
        var withNorm = new Mlp(new[] { 4, 8, 2 }, normalization: Normalization.BatchNorm);
        Checkpoint.Save(path, withNorm, Info());
        torch.manual_seed(1);
        e = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path, new Mlp(new[] { 4, 8, 2 })))!;
        Assert.That(e.Message, Does.Contain("is in the checkpoint but not in the network"));
    }

    [Test]
    public void A_plain_safetensors_file_is_not_taken_for_a_checkpoint()
    {
        var path = Path.Combine(_directory, "plain.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = ones(2) });
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadInfo(path))!;
        Assert.That(e.Message, Does.Contain("not a WirelessGnn checkpoint"));
    }

    [Test]
    public void Training_state_resumes_the_optimizer_the_step_and_the_rng()
    {
        var path = Path.Combine(_directory, "model.safetensors");
        var original = Network(seed: 5);
        using var adam = optim.Adam(original.parameters(), lr: 0.01);
        TrainSteps(original, adam, steps: 3, dataSeed: 11);
        Checkpoint.Save(path, original, Info(step: 3));
        var statePath = Checkpoint.TrainingStatePath(path);
        torch.manual_seed(77);
        Checkpoint.SaveTrainingState(statePath, adam, step: 3);
        var afterSave = rand(4);

        var resumed = Network(seed: 6);
        using var resumedAdam = optim.Adam(resumed.parameters(), lr: 0.5);
        Checkpoint.Load(path, resumed);
        torch.manual_seed(12345);
        Assert.That(Checkpoint.LoadTrainingState(statePath, resumedAdam), Is.EqualTo(3));
        Assert.That(Bits.Identical(rand(4), afterSave), Is.True, "the global RNG continues where it was saved");

        TrainSteps(original, adam, steps: 2, dataSeed: 13);
        TrainSteps(resumed, resumedAdam, steps: 2, dataSeed: 13);
        foreach (var (name, tensor) in original.state_dict())
            Assert.That(Bits.Identical(resumed.state_dict()[name], tensor), Is.True, $"{name}: resumed training matches uninterrupted training bit for bit");
    }

    [Test]
    public void Training_state_given_the_checkpoint_path_goes_to_the_side_file()
    {
        var path = Path.Combine(_directory, "model.safetensors");
        var network = Network(seed: 5);
        using var sgd = optim.SGD(network.parameters(), 0.1, momentum: 0.9);
        TrainSteps(network, sgd, 1, 3);
        Checkpoint.Save(path, network, Info());
        Checkpoint.SaveTrainingState(path, sgd, 1);
        Assert.That(File.Exists(Path.Combine(_directory, "model.state")), Is.True);
        Assert.That(Checkpoint.ReadInfo(path).Plugin, Is.EqualTo("test-plugin"), "the checkpoint itself is untouched");
        Assert.That(Checkpoint.LoadTrainingState(path, sgd), Is.EqualTo(1));

        using var adam = optim.Adam(network.parameters());
        var e = Assert.Throws<InvalidOperationException>(() => Checkpoint.LoadTrainingState(path, adam))!;
        Assert.That(e.Message, Does.Contain("SGD"));
    }

    [Test]
    public void Training_state_also_restores_an_explicit_generator()
    {
        var path = Path.Combine(_directory, "run.state");
        var network = Network(seed: 5);
        using var adam = optim.Adam(network.parameters());
        var generator = new Generator(2024);
        randn(3, generator: generator);
        Checkpoint.SaveTrainingState(path, adam, 9, generator);
        var expected = randn(5, generator: generator);
        var other = new Generator(1);
        Assert.That(Checkpoint.LoadTrainingState(path, adam, other), Is.EqualTo(9));
        Assert.That(Bits.Identical(randn(5, generator: other), expected), Is.True);
    }
}
