using TorchSharp;
using WirelessGnn.Graphs;
using static TorchSharp.torch;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>Settings of <see cref="GradientAscentAllocation"/>.</summary>
public sealed record GradientAscentOptions
{
    /// <summary>Adam steps per sample, 1..100,000.</summary>
    public int Iterations { get; init; } = 300;
    /// <summary>Adam learning rate on the beamformers (√W), (0, 1].</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Rates are capped at this multiple of r^min in the soft minimum, so users that meet it stop pulling, ≥ 1.</summary>
    public double RateCap { get; init; } = 1.5;
    /// <summary>Temperature of the soft minimum, bit/s/Hz, &gt; 0.</summary>
    public double Temperature { get; init; } = 0.005;
    /// <summary>Weight of the sum rate beside the soft minimum, ≥ 0.</summary>
    public double SumRateWeight { get; init; } = 1e-3;

    /// <param name="prefix">Path of these options in a larger config, for the messages.</param>
    public void Validate(string prefix = "")
    {
        Require.InRange(Iterations, 1, 100_000, prefix + "iterations");
        Require.Valid(LearningRate is > 0 and <= 1, prefix + "learningRate", LearningRate, "(0, 1]");
        Require.Valid(RateCap is >= 1 and <= 1e6, prefix + "rateCap", RateCap, "1..1e6");
        Require.Valid(Temperature is > 0 and <= 10, prefix + "temperature", Temperature, "(0, 10]");
        Require.Valid(SumRateWeight is >= 0 and <= 1e3, prefix + "sumRateWeight", SumRateWeight, "0..1000");
    }
}

/// <summary>
/// A reference optimiser, not in the paper: per-sample gradient ascent on the one rate model (<see cref="DownlinkRate"/>)
/// over free complex beamformers of every link (v = 1 everywhere), each SBS projected onto its budget, maximising
/// <c>softmin_i min(r_i, cap·r^min) + ε·Σ_i r_i</c>: first every user to its minimum rate, then the sum rate. It starts from
/// matched beams of the first receive antenna at equal power, or from a given allocation (a learned model's, to refine
/// it: its beams projected onto the budget and its subcarrier allocation v kept fixed). The objective is a sum over samples and Adam is
/// element-wise, so a batch is as many independent optimisations. It needs every channel at one place and hundreds of
/// rate evaluations per sample, so it is a feasibility and sum-rate reference, not a competitor at equal cost.
/// </summary>
public static class GradientAscentAllocation
{
    /// <summary>
    /// The optimised allocation of every sample of <paramref name="problem"/>, beams <c>[S, B, N, I, M_t]</c> (detached):
    /// from matched beams with v = 1, or from <paramref name="start"/> with its v.
    /// </summary>
    /// <param name="start">An allocation to refine (beams <c>[S, B, N, I, M_t]</c>, v <c>[S, B, N, I]</c>, 0/1), or null.</param>
    public static Allocation Solve(MecCellFreeTensors problem, GradientAscentOptions options, Allocation? start = null)
    {
        options.Validate();
        Tensor hr = problem.ChannelRe, hi = problem.ChannelIm;                                   // [S, B, N, I, M_t, M_r]
        Allocation y0;
        using (no_grad()) y0 = start is null ? MatchedBeams(problem) : DownlinkRate.ProjectOntoBudget(Checked(start, problem), problem.PowerMaxW);
        var beamRe = nn.Parameter(y0.BeamRe.to(hr.dtype).detach().clone());
        var beamIm = nn.Parameter(y0.BeamIm.to(hr.dtype).detach().clone());
        var assignment = y0.Assignment.to(hr.dtype).detach().clone();
        using var grad = enable_grad();
        using var optimizer = optim.Adam(new[] { beamRe, beamIm }, options.LearningRate);
        double cap = options.RateCap * problem.MinRate, t = options.Temperature;
        for (int step = 0; step < options.Iterations; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var y = DownlinkRate.ProjectOntoBudget(new Allocation(beamRe, beamIm, assignment), problem.PowerMaxW);
            var rates = DownlinkRate.UserRates(problem, y);
            var softMin = -t * (-rates.clamp_max(cap) / t).logsumexp(-1);
            var loss = -(softMin + options.SumRateWeight * rates.sum(-1)).sum();
            loss.backward();
            optimizer.step();
        }
        using (no_grad())
        {
            var y = DownlinkRate.ProjectOntoBudget(new Allocation(beamRe, beamIm, assignment), problem.PowerMaxW);
            return new Allocation(y.BeamRe.detach().clone(), y.BeamIm.detach().clone(), assignment);
        }
    }

    /// <summary>Matched beams of the first receive antenna at equal power, every link on (v = 1): each SBS spends P_max.</summary>
    private static Allocation MatchedBeams(MecCellFreeTensors problem)
    {
        Tensor hr = problem.ChannelRe, hi = problem.ChannelIm;                                   // [S, B, N, I, M_t, M_r]
        var norm = MecCellFreeTensors.LinkGains(hr, hi).sqrt().clamp_min(1e-30).unsqueeze(-1);
        double amplitude = Math.Sqrt(problem.PowerMaxW / (hr.shape[2] * hr.shape[3]));
        return new Allocation(hr.select(-1, 0) / norm * amplitude, hi.select(-1, 0) / norm * amplitude,
            ones(hr.shape[0], hr.shape[1], hr.shape[2], hr.shape[3], dtype: hr.dtype, device: hr.device));
    }

    /// <summary><paramref name="start"/> after checking its shapes against <paramref name="problem"/> and its beams for NaN/Inf.</summary>
    private static Allocation Checked(Allocation start, MecCellFreeTensors problem)
    {
        var links = problem.ChannelRe.shape[..4];
        var beams = links.Append(problem.ChannelRe.shape[4]).ToArray();
        Require.Shape(start.BeamRe, "start.BeamRe", beams);
        Require.Shape(start.BeamIm, "start.BeamIm", beams);
        Require.Shape(start.Assignment, "start.Assignment", links);
        Require.Finite(start.BeamRe, "start.BeamRe");
        Require.Finite(start.BeamIm, "start.BeamIm");
        return start;
    }
}
