using System.Diagnostics;
using System.Globalization;

namespace WirelessGnn.Models.Reporting;

/// <summary>
/// Resident memory of this process, native allocations (libtorch) included, for "memory stays flat" checks. The
/// managed heap alone (GC.GetTotalMemory) would miss leaked tensors.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Current resident set in MB (2^20 bytes): VmRSS of /proc/self/status on Linux, else Process.WorkingSet64.</summary>
    public static double CurrentRssMb() => ReadStatusKb("VmRSS:") is { } kb ? kb / 1024.0 : Fallback(p => p.WorkingSet64);

    /// <summary>Peak resident set in MB since the process started: VmHWM on Linux, else Process.PeakWorkingSet64.</summary>
    public static double PeakRssMb()
    {
        // VmHWM is sampled by the kernel and may lag VmRSS by a page or two; the peak is never below the current value.
        double peak = ReadStatusKb("VmHWM:") is { } kb ? kb / 1024.0 : Fallback(p => p.PeakWorkingSet64);
        return Math.Max(peak, CurrentRssMb());
    }

    private static double Fallback(Func<Process, long> read)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return read(process) / (1024.0 * 1024.0);
    }

    private static long? ReadStatusKb(string key)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
                var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 1 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)) return kb;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
