namespace WirelessGnn.Models.RoutedMtl;

/// <summary>A trained network of one scheme and its training wall time (curve evaluations excluded).</summary>
public sealed record TrainedScheme(Scheme Scheme, MultiTaskNetwork Network, double Seconds);

/// <summary>How each scheme is trained (spec mtl-routing §5.3, §8), on one <see cref="MultiTaskTrainer"/>.</summary>
public static class SchemeTraining
{
    public static string Name(Scheme scheme) => scheme switch
    {
        Scheme.Proposed => "proposed",
        Scheme.SingleTask => "single_task",
        Scheme.Naive => "naive",
        _ => "zero_padding",
    };

    /// <summary>A fresh network of <paramref name="scheme"/> (weights from torch's generator as seeded by the caller), trained.</summary>
    public static TrainedScheme Train(Scheme scheme, RoutedMtlConfig config, MultiTaskTrainer trainer, Action<string>? log = null)
    {
        var network = MultiTaskNetwork.Create(scheme, config);
        var tasks = config.Tasks;
        string name = Name(scheme);
        double seconds = 0;
        switch (network)
        {
            case RoutedMtlNetwork routed:
                seconds = AlgorithmOne(routed, config, trainer, log);
                break;
            case SingleTaskNetworks single:
                // One network per task, each trained alone on its own loss (β = 1) for the baseline budget.
                foreach (var task in tasks)
                    seconds += trainer.Train(single, name, new[] { task }, single.Network(task).parameters(), config.BaselineSteps, _ => 1.0, 0, log);
                break;
            default:
                seconds = trainer.Train(network, name, tasks, network.TrainableParameters(), config.BaselineSteps, config.TaskWeight, 0, log);
                break;
        }
        log?.Invoke($"{name}: trained in {seconds:F1} s");
        return new TrainedScheme(scheme, network, seconds);
    }

    /// <summary>
    /// Algorithm 1: phase 1 trains bDNN and rDNN jointly with soft masks for t1 steps; the masks are thresholded and the
    /// rDNN frozen; the bDNN is re-initialised (or kept, <see cref="Phase2Init.WarmStart"/>) and retrained alone under the
    /// binary masks for t2 steps with a fresh Adam. The duals carry over. Returns the training seconds of both phases.
    /// </summary>
    public static double AlgorithmOne(RoutedMtlNetwork network, RoutedMtlConfig config, MultiTaskTrainer trainer, Action<string>? log = null)
    {
        string name = Name(Scheme.Proposed);
        double seconds = trainer.Train(network, name, config.Tasks, network.TrainableParameters(), config.Phase1Steps, config.TaskWeight, 0, log);
        network.Freeze(config.MaskThreshold);
        if (config.Phase2Init == Phase2Init.Reinit) network.Base.ResetParameters();
        seconds += trainer.Train(network, name, config.Tasks, network.TrainableParameters(), config.Phase2Steps, config.TaskWeight, config.Phase1Steps, log);
        return seconds;
    }
}
