// Power control in a K-user interference channel, from code rather than from `wgnn`: sample drops, train the
// heterogeneous GNN of the quick-start plugin with the generic trainer, then score it and WMMSE on fresh drops
// with the one sum-rate objective.
// Run: dotnet run --project samples/PowerControl
using System.Diagnostics;
using WirelessGnn.Graphs;
using WirelessGnn.Models.Quickstart;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.InterferenceChannel;
using static TorchSharp.torch;

var device = TorchDevice.Resolve("auto", Console.WriteLine);
var plugin = new QuickstartPlugin();
var config = plugin.DefaultConfig(quick: true) with { Problem = new InterferenceChannelConfig { Pairs = 10 } };

manual_seed(1);
var network = plugin.CreateNetwork(config);
var trainer = new Trainer<QuickstartConfig, InterferenceChannelInstance, QuickstartBatch>(plugin, config, device, seed: 1);
trainer.Train(network, new ConsoleProgress(config.Training.ValidateEvery));

// Fresh drops, never seen in training: the GNN's powers and WMMSE's, scored by the same objective.
var drops = new InterferenceChannelSampler(config.Problem).Sample(200, seed: 2024);
network.eval();
using var batch = plugin.Prepare(drops, config, device);
using (no_grad()) plugin.Decide(network, batch, config).Dispose();   // warm-up, untimed
var clock = Stopwatch.StartNew();
double gnn;
using (no_grad()) gnn = SumRate.Total(batch.Snr, plugin.Decide(network, batch, config)).mean().item<float>();
var gnnTime = clock.Elapsed.TotalMilliseconds;
clock.Restart();
double wmmse = drops.Average(d => Wmmse.Solve(d.Snr).SumRate);
var wmmseTime = clock.Elapsed.TotalMilliseconds;
double full = drops.Average(d => SumRateOracle.Total(d.Snr, SimplePowerControl.FullPower(d.Pairs)));

Console.WriteLine($"mean sum rate over {drops.Count} drops of K = {config.Problem.Pairs}:");
Console.WriteLine($"  GNN         {gnn:F2} bit/s/Hz  ({gnn / wmmse:P1} of WMMSE)  {gnnTime:F0} ms for the batch");
Console.WriteLine($"  WMMSE       {wmmse:F2} bit/s/Hz                       {wmmseTime:F0} ms one by one");
Console.WriteLine($"  full power  {full:F2} bit/s/Hz");

/// <summary>Prints a line at every validation (synchronously, unlike <see cref="Progress{T}"/>).</summary>
sealed class ConsoleProgress(int every) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p)
    {
        if (p.Validation is { } v && p.Step % every == 0)
            Console.WriteLine($"step {p.Step,4}: loss {p.Loss:F3}, validation sum rate {v:F2} bit/s/Hz");
    }
}
