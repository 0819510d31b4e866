using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// A file cache of sampled instances, so that a large training set is drawn once. The file name carries a stable hash
/// of the config (its System.Text.Json form), the count, the seed and the format version; the file repeats the full key
/// and ends with a SHA-256 of its content. A missing, truncated, corrupt or mismatched file is never trusted: the
/// instances are sampled again and the file rewritten (atomically, through a temporary file).
/// </summary>
public static class MddCellFreeDataset
{
    private const int FormatVersion = 1;
    private static readonly byte[] Magic = "WGNN-MDDCF\n"u8.ToArray();

    /// <summary>
    /// The instances <c>new MddCellFreeSampler(config).Sample(count, seed)</c>, read from
    /// <paramref name="cacheDirectory"/> when a valid file for this key is there, otherwise sampled and written there.
    /// </summary>
    public static IReadOnlyList<MddCellFreeInstance> LoadOrSample(MddCellFreeConfig config, int count, int seed, string cacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDirectory);
        var sampler = new MddCellFreeSampler(config); // validates the config before any file is touched
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count = {count} is out of range; expected ≥ 0.");
        string key = Key(config, count, seed);
        string path = Path.Combine(cacheDirectory, FileName(config, count, seed));
        if (TryRead(path, key, count) is { } cached) return cached;
        var instances = sampler.Sample(count, seed);
        Directory.CreateDirectory(cacheDirectory);
        Write(path, key, instances);
        return instances;
    }

    /// <summary>The cache file name for this key: <c>mdd-cell-free-{first 16 hex digits of SHA-256(key)}.bin</c>.</summary>
    public static string FileName(MddCellFreeConfig config, int count, int seed) =>
        $"mdd-cell-free-{Key(config, count, seed)[..16]}.bin";

    /// <summary>The full key: hex SHA-256 of the config JSON, count, seed and format version.</summary>
    public static string Key(MddCellFreeConfig config, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        string text = $"{JsonSerializer.Serialize(config)}\ncount={count}\nseed={seed}\nformat={FormatVersion}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }

    /// <summary>Reads the file if it exists, is intact and holds <paramref name="count"/> instances for <paramref name="key"/>; null otherwise.</summary>
    private static IReadOnlyList<MddCellFreeInstance>? TryRead(string path, string key, int count)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var bytes = File.ReadAllBytes(path);
            const int hashLength = 32;
            if (bytes.Length < Magic.Length + hashLength) return null;
            var body = bytes.AsSpan(0, bytes.Length - hashLength);
            if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - hashLength))) return null;
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length, writable: false));
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) return null;
            if (reader.ReadInt32() != FormatVersion || reader.ReadString() != key || reader.ReadInt32() != count) return null;
            var list = new MddCellFreeInstance[count];
            for (int i = 0; i < count; i++)
            {
                list[i] = ReadInstance(reader);
                list[i].Validate();
            }
            return reader.BaseStream.Position == body.Length ? list : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or OverflowException or OutOfMemoryException)
        {
            return null;
        }
    }

    private static void Write(string path, string key, IReadOnlyList<MddCellFreeInstance> instances)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(key);
            writer.Write(instances.Count);
            foreach (var x in instances) WriteInstance(writer, x);
        }
        var hash = SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        buffer.Write(hash);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                buffer.WriteTo(file);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static void WriteInstance(BinaryWriter w, MddCellFreeInstance x)
    {
        w.Write(x.Aps);
        w.Write(x.Mss);
        w.Write(x.DlSubcarriers);
        w.Write(x.UlSubcarriers);
        w.Write(x.Seed);
        w.Write(x.DlQos);
        w.Write(x.UlQos);
        w.Write(x.DlLeakage is not null);
        w.Write(x.UlLeakage is not null);
        foreach (Array a in new Array[] { x.Omega, x.Upsilon, x.BetaAp, x.BetaMs, x.BetaApMs, x.ApBudget, x.MsBudget, x.ApSelfInterference, x.InterAp,
                     x.MsSelfInterference, x.InterMs, x.ApPositions, x.MsPositions })
            WriteDoubles(w, a);
        if (x.DlLeakage is not null) WriteDoubles(w, x.DlLeakage);
        if (x.UlLeakage is not null) WriteDoubles(w, x.UlLeakage);
        foreach (bool b in x.Serves) w.Write(b);
    }

    private static MddCellFreeInstance ReadInstance(BinaryReader r)
    {
        int l = Size(r, 512), d = Size(r, 256), m = Size(r, 256), mb = Size(r, 256);
        int seed = r.ReadInt32();
        double dlQos = r.ReadDouble(), ulQos = r.ReadDouble();
        bool hasDlLeak = r.ReadBoolean(), hasUlLeak = r.ReadBoolean();
        var x = new MddCellFreeInstance
        {
            Omega = Read(r, new double[l, d, m]), Upsilon = Read(r, new double[l, d, mb]),
            BetaAp = Read(r, new double[l, l]), BetaMs = Read(r, new double[d, d]), BetaApMs = Read(r, new double[l, d]),
            ApBudget = Read(r, new double[l]), MsBudget = Read(r, new double[d]),
            ApSelfInterference = Read(r, new double[l]), InterAp = Read(r, new double[l]),
            MsSelfInterference = Read(r, new double[d]), InterMs = Read(r, new double[d]),
            ApPositions = Read(r, new double[l, 2]), MsPositions = Read(r, new double[d, 2]),
            Serves = new bool[l, d], DlQos = dlQos, UlQos = ulQos, Seed = seed,
        };
        x = x with
        {
            DlLeakage = hasDlLeak ? Read(r, new double[l, d, m]) : null,
            UlLeakage = hasUlLeak ? Read(r, new double[d, d, mb]) : null,
        };
        for (int i = 0; i < l; i++)
            for (int j = 0; j < d; j++) x.Serves[i, j] = r.ReadBoolean();
        return x;
    }

    private static int Size(BinaryReader r, int max)
    {
        int v = r.ReadInt32();
        return v is >= 1 && v <= max ? v : throw new InvalidDataException($"cache: size {v} outside 1..{max}.");
    }

    private static void WriteDoubles(BinaryWriter w, Array a)
    {
        var bytes = new byte[Buffer.ByteLength(a)];
        Buffer.BlockCopy(a, 0, bytes, 0, bytes.Length);
        w.Write(bytes);
    }

    /// <summary>Fills <paramref name="target"/> from the raw bytes (the machine's byte order, as written).</summary>
    private static T Read<T>(BinaryReader r, T target) where T : class
    {
        var array = (Array)(object)target;
        int length = Buffer.ByteLength(array);
        var bytes = r.ReadBytes(length);
        if (bytes.Length != length) throw new InvalidDataException("cache: truncated.");
        Buffer.BlockCopy(bytes, 0, array, 0, length);
        return target;
    }
}
