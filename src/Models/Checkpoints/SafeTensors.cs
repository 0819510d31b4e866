using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Checkpoints;

/// <summary>
/// Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format, so a checkpoint
/// opens in Python with <c>safetensors.torch.load_file</c>. Layout: 8 bytes little-endian unsigned header length
/// <c>N</c>; <c>N</c> bytes of UTF-8 JSON (padded with spaces so the data starts 8-byte aligned)
/// <c>{"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}}</c>; then the raw
/// little-endian tensor bytes, contiguous, in offset order, with no gaps.
/// </summary>
/// <remarks>
/// Tensors are laid out by element size (largest first) then name, as the Python writer does, so every tensor
/// starts at an offset aligned to its element size. Complex tensors have no safetensors dtype; store
/// <c>torch.view_as_real(x)</c> instead.
/// </remarks>
public static class SafeTensors
{
    /// <summary>The key of the free-form string map in the header.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Readers refuse larger headers (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly (ScalarType Type, string Name, int Size)[] DTypes =
    {
        (ScalarType.Float64, "F64", 8),
        (ScalarType.Float32, "F32", 4),
        (ScalarType.Float16, "F16", 2),
        (ScalarType.BFloat16, "BF16", 2),
        (ScalarType.Int64, "I64", 8),
        (ScalarType.Int32, "I32", 4),
        (ScalarType.Int16, "I16", 2),
        (ScalarType.Int8, "I8", 1),
        (ScalarType.Byte, "U8", 1),
        (ScalarType.Bool, "BOOL", 1),
    };

    /// <summary>The safetensors dtype name of a torch scalar type (F32, F64, I64, …).</summary>
    /// <exception cref="NotSupportedException">The type has no safetensors dtype (complex types).</exception>
    public static string DTypeName(ScalarType type)
    {
        foreach (var d in DTypes) if (d.Type == type) return d.Name;
        throw new NotSupportedException($"dtype {type} has no safetensors equivalent; supported: {string.Join(", ", DTypes.Select(d => d.Type))}. " +
                                        "Store complex tensors as torch.view_as_real(x).");
    }

    /// <summary>Writes <paramref name="tensors"/> (copied to CPU, contiguous) and the optional string metadata to <paramref name="path"/>.</summary>
    /// <remarks>The file is written to a temporary name and moved into place, so a crash never leaves half a file.</remarks>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        EnsureLittleEndian();
        if (tensors.ContainsKey(MetadataKey))
            throw new ArgumentException($"tensors: the name '{MetadataKey}' is reserved for the metadata map.", nameof(tensors));

        var entries = tensors.Select(kv =>
        {
            if (kv.Value is null) throw new ArgumentException($"tensors['{kv.Key}'] is null.", nameof(tensors));
            var name = DTypeName(kv.Value.dtype);
            int size = DTypes.First(d => d.Type == kv.Value.dtype).Size;
            return (Name: kv.Key, Tensor: kv.Value, DType: name, Size: size, Bytes: kv.Value.numel() * size);
        }).OrderByDescending(e => e.Size).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();

        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                    json.WriteString(key, value ?? throw new ArgumentException($"metadata['{key}'] is null; safetensors metadata values are strings.", nameof(metadata)));
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in entries)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", e.DType);
                json.WriteStartArray("shape");
                foreach (var d in e.Tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + e.Bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += e.Bytes;
            }
            json.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temporary = path + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                file.Write(length);
                header.Position = 0;
                header.CopyTo(file);
                foreach (var e in entries)
                {
                    if (e.Bytes == 0) continue;
                    using var scope = NewDisposeScope();
                    var cpu = e.Tensor.detach().cpu().contiguous();
                    WriteBytes(file, cpu, e.Bytes, e.Name);
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>Reads every tensor of <paramref name="path"/> (onto <paramref name="device"/>, CPU by default) and its metadata.</summary>
    /// <exception cref="InvalidDataException">The file breaks the format; the message names the file and what is wrong.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path, Device? device = null)
    {
        EnsureLittleEndian();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var header = ReadHeader(file, path);
        long dataStart = file.Position;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in header.Entries.OrderBy(e => e.Begin))
            {
                var type = DTypes.First(d => d.Name == entry.DType).Type;
                var tensor = empty(entry.Shape, dtype: type);
                if (entry.End > entry.Begin)
                {
                    file.Position = dataStart + entry.Begin;
                    ReadBytes(file, tensor, entry.End - entry.Begin, entry.Name, path);
                }
                if (device is not null && device.type != DeviceType.CPU)
                {
                    var moved = tensor.to(device);
                    tensor.Dispose();
                    tensor = moved;
                }
                tensors.Add(entry.Name, tensor);
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        var ordered = header.Entries.Select(e => e.Name).ToDictionary(n => n, n => tensors[n], StringComparer.Ordinal);
        return (ordered, header.Metadata);
    }

    /// <summary>Reads only the header of <paramref name="path"/>: the metadata map and, per tensor, its dtype name and shape.</summary>
    public static (Dictionary<string, string> Metadata, IReadOnlyList<(string Name, string DType, long[] Shape)> Tensors) ReadHeader(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        var header = ReadHeader(file, path);
        return (header.Metadata, header.Entries.Select(e => (e.Name, e.DType, e.Shape)).ToList());
    }

    private sealed record Entry(string Name, string DType, long[] Shape, long Begin, long End);

    private sealed record Header(Dictionary<string, string> Metadata, List<Entry> Entries);

    private static Header ReadHeader(FileStream file, string path)
    {
        long fileLength = file.Length;
        if (fileLength < 8) throw Bad(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        file.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes) throw Bad(path, $"header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");
        if ((long)headerLength > fileLength - 8) throw Bad(path, $"header length {headerLength} runs past the end of the {fileLength}-byte file");
        var headerBytes = new byte[headerLength];
        file.ReadExactly(headerBytes);
        long dataLength = fileLength - 8 - (long)headerLength;

        if (headerBytes.Length == 0 || headerBytes[0] != (byte)'{') throw Bad(path, "the header does not start with '{'");
        JsonDocument document;
        try { document = JsonDocument.Parse(headerBytes.AsMemory().TrimEnd((byte)' ')); }
        catch (JsonException e) { throw Bad(path, $"the header is not valid JSON ({e.Message})"); }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "the header is not a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Bad(path, $"the header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw Bad(path, $"'{MetadataKey}' is not an object");
                    foreach (var m in property.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw Bad(path, $"metadata '{m.Name}' is a {m.Value.ValueKind}, not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(property, path));
            }

            long expected = 0;
            foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (e.Begin != expected) throw Bad(path, $"tensor '{e.Name}' starts at byte {e.Begin} of the data, expected {expected} (tensors must be contiguous without gaps or overlaps)");
                expected = e.End;
            }
            if (expected != dataLength) throw Bad(path, $"the tensors cover {expected} bytes but the data section has {dataLength}");
            return new Header(metadata, entries);
        }
    }

    private static Entry ParseEntry(JsonProperty property, string path)
    {
        var name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) throw Bad(path, $"tensor '{name}' is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad(path, $"tensor '{name}' has no string 'dtype'");
        var dtype = dtypeElement.GetString()!;
        var known = DTypes.FirstOrDefault(d => d.Name == dtype);
        if (known.Name is null) throw Bad(path, $"tensor '{name}' has dtype '{dtype}', not one of {string.Join(", ", DTypes.Select(d => d.Name))}");
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{name}' has no 'shape' array");
        var shape = new long[shapeElement.GetArrayLength()];
        long count = 1;
        int i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0) throw Bad(path, $"tensor '{name}' has a shape entry {d} that is not a non-negative integer");
            shape[i++] = dim;
            count = checked(count * dim);
        }
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{name}' has no 'data_offsets' pair");
        if (!offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw Bad(path, $"tensor '{name}' has invalid data_offsets {offsets}");
        if (end - begin != count * known.Size)
            throw Bad(path, $"tensor '{name}' ({dtype} [{string.Join(", ", shape)}]) needs {count * known.Size} bytes but its data_offsets span {end - begin}");
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void WriteBytes(Stream stream, Tensor cpu, long count, string name)
    {
        if (count > int.MaxValue) throw new NotSupportedException($"tensor '{name}' has {count} bytes; tensors over 2 GiB are not supported.");
        var span = cpu.bytes;
        if (span.Length != count) throw new InvalidOperationException($"tensor '{name}': expected {count} bytes of CPU data, found {span.Length}.");
        stream.Write(span);
    }

    // Tensor.bytes of a contiguous CPU tensor is a span over its native storage, so the file is read straight into it.
    private static void ReadBytes(Stream stream, Tensor cpu, long count, string name, string path)
    {
        if (count > int.MaxValue) throw new NotSupportedException($"tensor '{name}' has {count} bytes; tensors over 2 GiB are not supported.");
        var span = cpu.bytes;
        if (span.Length != count) throw new InvalidOperationException($"tensor '{name}': expected {count} bytes of CPU storage, found {span.Length}.");
        try { stream.ReadExactly(span); }
        catch (EndOfStreamException) { throw Bad(path, $"the data of tensor '{name}' is cut short"); }
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported.");
    }

    private static InvalidDataException Bad(string path, string what) => new($"'{path}' is not a valid safetensors file: {what}.");
}
