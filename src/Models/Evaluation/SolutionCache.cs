using System.Security.Cryptography;
using System.Text;

namespace WirelessGnn.Models.Evaluation;

/// <summary>
/// Solutions of a slow baseline kept on disk, one small file per instance under
/// <c>&lt;root&gt;/&lt;method&gt;/&lt;hash of the problem settings&gt;/&lt;instance key&gt;.bin</c> (the decision vector and the wall seconds
/// the solve took). Files are written atomically; an unreadable file is treated as a miss, so an interrupted run
/// resumes where it stopped and a corrupt file is solved again.
/// </summary>
public sealed class SolutionCache
{
    private const int Magic = 0x57474E53;   // "WGNS"
    private readonly string _directory;

    /// <param name="root">The cache folder (e.g. <c>runs/cache</c>).</param>
    /// <param name="method">The baseline's name and version (a new version must not read an old one's solutions).</param>
    /// <param name="settings">Everything that changes the solutions besides the instance (e.g. the problem config as JSON).</param>
    public SolutionCache(string root, string method, string settings)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(settings)))[..16].ToLowerInvariant();
        _directory = Path.Combine(root, method, hash);
    }

    public string Directory => _directory;

    public (double[] Decision, double Seconds)? Recall(string key)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadInt32() != Magic) return null;
            double seconds = reader.ReadDouble();
            int n = reader.ReadInt32();
            if (n < 0 || n > 100_000_000) return null;
            var decision = new double[n];
            for (int i = 0; i < n; i++) decision[i] = reader.ReadDouble();
            return reader.BaseStream.Position == reader.BaseStream.Length && decision.All(double.IsFinite) ? (decision, seconds) : null;
        }
        catch (IOException)   // includes EndOfStreamException: a truncated file
        {
            return null;
        }
    }

    public void Remember(string key, double[] decision, double seconds)
    {
        System.IO.Directory.CreateDirectory(_directory);
        var path = PathOf(key);
        var temporary = path + $".{Environment.ProcessId}.tmp";
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write(Magic);
            writer.Write(seconds);
            writer.Write(decision.Length);
            foreach (var v in decision) writer.Write(v);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string key)
    {
        if (key.Length == 0 || key.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || key.Contains('.'))
            throw new ArgumentException($"key: '{key}' is not usable as a file name; expected letters, digits, '-' or '_'.", nameof(key));
        return Path.Combine(_directory, key + ".bin");
    }
}
