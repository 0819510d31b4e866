using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>What a per-scene ascent did on one scene.</summary>
/// <param name="Decision">The best hard decision seen (serving BSs then powers, the scene's own sizes).</param>
/// <param name="Rate">Its global rate; <paramref name="InitialRate"/> is the starting point's (iteration 0).</param>
public sealed record AscentResult(double[] Decision, double Rate, double InitialRate, int Iterations, double Seconds);

/// <summary>How long a <see cref="SceneAscent"/> runs: Adam rate, iteration cap, window l and relative bound e (spec §5.3).</summary>
public sealed record AscentSettings(double LearningRate, int MaxIterations, int Window, double Tolerance);

/// <summary>
/// Adam ascent on one scene's relaxed objective <c>w_r R̂ + w_e L_ent</c> (spec §5.3), shared by SRL (over the network's
/// weights) and <see cref="RelaxedAscent"/> (over free slot scores and power logits). Every iterate's hard rate is recorded;
/// every l iterations the mean of the last l is compared with the previous window's, and the ascent stops when they differ
/// by less than e relative, or at the iteration cap. The temperature follows §4.5 from each iterate's largest x̂. Returns
/// the best hard decision seen, counting the starting point.
/// </summary>
public static class SceneAscent
{
    /// <param name="forward">The slot scores <c>[1, I, K]</c> and powers in watts <c>[1, J]</c> of the current parameters.</param>
    /// <param name="temperature">Reads the softmax temperature (the network's buffer for SRL).</param>
    /// <param name="setTemperature">Stores the next step's temperature.</param>
    public static AscentResult Run(HbgnnBatch batch, IEnumerable<TorchSharp.Modules.Parameter> parameters, Func<(Tensor Scores, Tensor Power)> forward,
        Func<double> temperature, Action<double> setTemperature, AscentSettings settings, HbgnnConfig config)
    {
        if (batch.Scenes.Count != 1) throw new ArgumentException($"batch: {batch.Scenes.Count} scenes; the ascent runs on exactly one.", nameof(batch));
        var clock = Stopwatch.StartNew();
        var scene = batch.Scenes[0];
        using var optimizer = optim.Adam(parameters, settings.LearningRate);
        double[]? best = null;
        double bestRate = double.NegativeInfinity, initial = double.NaN, previousWindow = double.NaN;
        var rates = new List<double>();
        int iteration = 0;
        for (; iteration <= settings.MaxIterations; iteration++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var (scores, power) = forward();
            var (probabilities, association) = HbgnnPlugin.SoftAssociation(scores, batch, temperature());
            // The hard decision of this iterate, before its step (iteration 0 is the starting point).
            var decision = HbgnnPlugin.DecisionRows(scores, power, batch).detach();
            double rate = HbgnnPlugin.UeRates(decision, batch).sum().item<double>();
            if (iteration == 0) initial = rate;
            if (rate > bestRate) { bestRate = rate; best = decision.cpu().to_type(ScalarType.Float64).data<double>().ToArray(); }
            rates.Add(rate);
            if (iteration == settings.MaxIterations) break;
            if (rates.Count % settings.Window == 0)
            {
                double window = rates.Skip(rates.Count - settings.Window).Average();
                if (!double.IsNaN(previousWindow) && Math.Abs(window - previousWindow) < settings.Tolerance * Math.Abs(previousWindow)) break;
                previousWindow = window;
            }
            var loss = -config.RateWeight * HbgnnPlugin.RelaxedRate(association, power, batch).sum()
                       - config.EntropyWeight * HbgnnPlugin.Entropy(scores, batch).sum();
            loss.backward();
            optimizer.step();
            setTemperature(HbgnnPlugin.NextTemperature(probabilities, batch, config) ?? temperature());
        }
        var row = best!;
        var vector = row.Take(scene.Ues).Concat(row.Skip((int)batch.Ues).Take(scene.Bss)).ToArray();
        return new AscentResult(vector, bestRate, initial, iteration, clock.Elapsed.TotalSeconds);
    }
}
