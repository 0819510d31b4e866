using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Training;

/// <summary>
/// "Precise BN": replaces every BatchNorm's exponential running statistics by the plain average of the batch statistics
/// over a given set of forward passes under the current weights. During training the running averages mix statistics of
/// weights up to a few dozen steps old; where the weights move fast, eval-mode outputs then differ from train-mode ones.
/// </summary>
public static class BatchNormRecalibration
{
    /// <summary>
    /// Resets the running statistics of every <see cref="BatchNorm"/> in <paramref name="network"/>, runs each forward
    /// pass of <paramref name="forwards"/> in train mode without gradients (each in its own dispose scope) with a
    /// cumulative average, then restores the momenta and the network's mode. Returns the number of BatchNorm modules
    /// (0: nothing to do, no pass is run).
    /// </summary>
    public static int Recalibrate(nn.Module network, IEnumerable<Action> forwards)
    {
        var norms = network.modules().OfType<BatchNorm>().ToList();
        if (norms.Count == 0) return 0;
        var momenta = norms.Select(n => n.momentum).ToList();
        bool wasTraining = network.training;
        try
        {
            foreach (var n in norms)
            {
                n.reset_running_stats();
                n.momentum = null;   // cumulative moving average: the plain mean over the passes below
            }
            network.train();
            using var noGrad = no_grad();
            foreach (var forward in forwards)
            {
                using var scope = NewDisposeScope();
                forward();
            }
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
            network.train(wasTraining);
        }
        return norms.Count;
    }
}
