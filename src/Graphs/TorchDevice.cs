using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Graphs;

/// <summary>Chooses the compute device once, from <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c>.</summary>
public static class TorchDevice
{
    /// <summary>
    /// Resolves <paramref name="spec"/>. <c>auto</c> picks CUDA when available, else CPU. <c>cuda</c> without a usable
    /// GPU (or a CPU-only libtorch build) falls back to CPU and says so through <paramref name="warn"/>.
    /// </summary>
    public static Device Resolve(string spec, Action<string>? warn = null)
    {
        var s = (spec ?? "auto").Trim().ToLowerInvariant();
        if (s == "cpu") return CPU;
        if (s == "auto") return cuda.is_available() ? CUDA : CPU;
        if (s == "cuda" || s.StartsWith("cuda:"))
        {
            int index = 0;
            if (s.Length > 5 && !int.TryParse(s[5..], out index))
                throw new ArgumentException($"--device '{spec}': expected cpu, cuda, cuda:N or auto.");
            if (!cuda.is_available())
            {
                warn?.Invoke($"CUDA was asked for ('{spec}') but is not available (this libtorch build: {Describe()}); falling back to CPU. Build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU.");
                return CPU;
            }
            if (index >= cuda.device_count())
                throw new ArgumentException($"--device '{spec}': only {cuda.device_count()} CUDA device(s) present; expected an index in 0..{cuda.device_count() - 1}.");
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"--device '{spec}': expected cpu, cuda, cuda:N or auto.");
    }

    /// <summary>A one-line description of the torch runtime: version, backend, CUDA devices, threads.</summary>
    public static string Describe() =>
        $"libtorch {__version__}, {(cuda.is_available() ? $"CUDA ({cuda.device_count()} device(s))" : "CPU only")}, {get_num_threads()} threads";
}
