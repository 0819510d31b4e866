using System.Diagnostics;
using TorchSharp;
using WirelessGnn.Problems.UltraDenseHetNet;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>What SRL did on one scene.</summary>
/// <param name="Decision">The best hard decision seen (serving BSs then powers), as a decision row.</param>
/// <param name="Rate">Its global rate; <paramref name="InitialRate"/> is the GRL output's (iteration 0).</param>
public sealed record SrlResult(double[] Decision, double Rate, double InitialRate, int Iterations, double Seconds);

/// <summary>
/// SRL, HBGNN's online stage (spec §5.3, Algorithm 3): on one scene, starting from the GRL weights and temperature,
/// take Adam steps on <c>−w_r R̂ − w_e L_ent</c> (no supervised term); record the hard rate of every iterate; every l
/// iterations compare the mean of the last l hard rates with the previous window's and stop when they differ by less
/// than e relative; at most the configured number of iterations. Returns the best hard decision seen, counting the GRL
/// output itself, so SRL is never below GRL on a scene. The GRL network is not changed.
/// </summary>
public static class SrlFineTuning
{
    public static SrlResult Run(HbgnnPlugin plugin, HbgnnNetwork grl, HetNetScene scene, HbgnnConfig config, Device device)
    {
        var clock = Stopwatch.StartNew();
        using var network = (HbgnnNetwork)plugin.CreateNetwork(config);
        network.to(device);
        network.load_state_dict(grl.state_dict());
        network.train();
        using var batch = plugin.Prepare(new[] { scene }, config, device);
        var parameters = network.parameters().ToList();
        using var optimizer = optim.Adam(parameters, config.SrlLearningRate);
        double[]? best = null;
        double bestRate = double.NegativeInfinity, initial = double.NaN, previousWindow = double.NaN;
        var rates = new List<double>();
        int iteration = 0;
        for (; iteration <= config.SrlMaxIterations; iteration++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var (scores, power) = HbgnnPlugin.Forward(network, batch);
            double temperature = network.Temperature;
            var (probabilities, association) = HbgnnPlugin.SoftAssociation(scores, batch, temperature);
            // The hard decision of this iterate, before its step (iteration 0 is the GRL output).
            var decision = HbgnnPlugin.DecisionRows(scores, power, batch).detach();
            double rate = HbgnnPlugin.UeRates(decision, batch).sum().item<double>();
            if (iteration == 0) initial = rate;
            if (rate > bestRate) { bestRate = rate; best = decision.cpu().to_type(ScalarType.Float64).data<double>().ToArray(); }
            rates.Add(rate);
            if (iteration == config.SrlMaxIterations) break;
            if (rates.Count % config.SrlWindow == 0)
            {
                double window = rates.Skip(rates.Count - config.SrlWindow).Average();
                if (!double.IsNaN(previousWindow) && Math.Abs(window - previousWindow) < config.SrlTolerance * Math.Abs(previousWindow)) break;
                previousWindow = window;
            }
            var loss = -config.RateWeight * HbgnnPlugin.RelaxedRate(association, power, batch).sum()
                       - config.EntropyWeight * HbgnnPlugin.Entropy(scores, batch).sum();
            loss.backward();
            optimizer.step();
            HbgnnPlugin.UpdateTemperature(network, probabilities, batch, config);
        }
        var row = best!;
        var vector = row.Take(scene.Ues).Concat(row.Skip((int)batch.Ues).Take(scene.Bss)).ToArray();
        return new SrlResult(vector, bestRate, initial, iteration, clock.Elapsed.TotalSeconds);
    }
}
