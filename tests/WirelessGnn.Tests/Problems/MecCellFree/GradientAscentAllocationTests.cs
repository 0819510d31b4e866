using NUnit.Framework;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Problems.MecCellFree;

/// <summary>The per-sample gradient-ascent reference: within budget, better than where it starts, independent across samples.</summary>
[TestFixture]
public class GradientAscentAllocationTests
{
    private static readonly MecCellFreeConfig Config = new() { Users = 4, Subcarriers = 2 };

    private static MecCellFreeTensors Problem(int count, int seed) =>
        MecCellFreeTensors.From(MecCellFreeDataset.Get(Config, count, seed), Config, CPU, ScalarType.Float64);

    [Test]
    public void It_meets_every_budget_keeps_every_user_that_met_the_min_rate_and_raises_the_sum_rate()
    {
        using var scope = NewDisposeScope();
        var p = Problem(6, 41);
        var start = GradientAscentAllocation.Solve(p, new GradientAscentOptions { Iterations = 1, LearningRate = 1e-12 });
        var solved = GradientAscentAllocation.Solve(p, new GradientAscentOptions { Iterations = 150 });
        Assert.That(DownlinkRate.SbsPowers(solved).data<double>().ToArray(), Is.All.LessThanOrEqualTo(Config.SbsPowerW * (1 + 1e-9)));
        Assert.That(solved.Assignment.data<double>().ToArray(), Is.All.EqualTo(1.0));
        // Rates above the cap (1.5·r^min) stop counting in the soft minimum, so the weakest user may come down to the cap while
        // the sum rate goes up: every user that met r^min still does, and the sum rate grows.
        double Met(Allocation y) => (DownlinkRate.UserRates(p, y) >= Config.MinRate).sum().item<long>();
        double SumRate(Allocation y) => DownlinkRate.Tasks(p, y).SumRate.mean().item<double>();
        Assert.That(Met(solved), Is.GreaterThanOrEqualTo(Met(start)));
        Assert.That(SumRate(solved), Is.GreaterThan(SumRate(start)));
        Assert.That(DownlinkRate.UserRates(p, solved).amin(new long[] { -1 }).data<double>().ToArray(), Is.All.GreaterThanOrEqualTo(Config.MinRate),
            "four users, two subcarriers: every user of these six samples can be brought to r^min");
    }

    [Test]
    public void Refining_a_given_allocation_keeps_its_subcarrier_allocation_meets_the_budgets_and_lifts_the_weakest_user()
    {
        using var scope = NewDisposeScope();
        var p = Problem(6, 44);
        var matched = GradientAscentAllocation.Solve(p, new GradientAscentOptions { Iterations = 1, LearningRate = 1e-12 });
        var generator = new Generator(5).manual_seed(5);
        var v = (rand(matched.Assignment.shape, generator: generator, dtype: ScalarType.Float64) < 0.7).to_type(ScalarType.Float64);
        // A start over budget (×2 the power) with 30 % of the links off.
        var start = new Allocation(matched.BeamRe * Math.Sqrt(2), matched.BeamIm * Math.Sqrt(2), v);
        var refined = GradientAscentAllocation.Solve(p, new GradientAscentOptions { Iterations = 100 }, start);

        Assert.That(refined.Assignment.eq(v).all().item<bool>(), Is.True, "the start's v is kept");
        Assert.That(DownlinkRate.SbsPowers(refined).data<double>().ToArray(), Is.All.LessThanOrEqualTo(Config.SbsPowerW * (1 + 1e-9)));
        var projected = DownlinkRate.ProjectOntoBudget(start, Config.SbsPowerW);
        double Weakest(Allocation y) => DownlinkRate.UserRates(p, y).amin(new long[] { -1 }).mean().item<double>();
        Assert.That(Weakest(refined), Is.GreaterThan(Weakest(projected)));

        var wrong = new Allocation(start.BeamRe.narrow(0, 0, 5), start.BeamIm, start.Assignment);
        var error = Assert.Throws<ArgumentException>(() => GradientAscentAllocation.Solve(p, new GradientAscentOptions { Iterations = 1 }, wrong));
        Assert.That(error!.Message, Does.Contain("start.BeamRe"));
    }

    [Test]
    public void Samples_are_optimised_independently_of_their_batch()
    {
        using var scope = NewDisposeScope();
        var options = new GradientAscentOptions { Iterations = 30 };
        var both = GradientAscentAllocation.Solve(Problem(2, 43), options);
        var first = GradientAscentAllocation.Solve(Problem(1, 43), options);
        Assert.That(both.BeamRe.narrow(0, 0, 1).allclose(first.BeamRe, 1e-9, 1e-12), Is.True);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientAscentOptions { Iterations = 0 }.Validate());
    }
}
