using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Models.Checkpoints;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models;

/// <summary>The file layout against the safetensors specification, byte by byte, so Python's reader accepts it.</summary>
[TestFixture]
public class SafeTensorsTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wgnn-safetensors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private static readonly float[] F32 = { 1.5f, -2.25f, float.Epsilon, 3e38f, -0f, 7f };
    private static readonly double[] F64 = { Math.PI, -1e-300, 2 };
    private static readonly int[] I32 = { int.MinValue, -1, 0, int.MaxValue };
    private static readonly bool[] Bool = { true, false, false, true, true };

    private static Dictionary<string, Tensor> Sample() => new()
    {
        ["layer.weight"] = tensor(F32).reshape(2, 3),
        ["layer.double"] = tensor(F64),
        ["count"] = tensor(123456789012345L),
        ["index"] = tensor(I32).reshape(2, 2),
        ["mask"] = tensor(Bool),
        ["empty"] = zeros(0, 3),
    };

    [Test]
    public void The_file_is_length_header_json_and_contiguous_little_endian_data()
    {
        var path = Path.Combine(_directory, "t.safetensors");
        var metadata = new Dictionary<string, string> { ["config"] = "{\"a\": [1, 2]}", ["note"] = "ünïcode ✓" };
        SafeTensors.Save(path, Sample(), metadata);
        var bytes = File.ReadAllBytes(path);

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0, 8));
        Assert.That(n, Is.GreaterThan(0UL).And.LessThanOrEqualTo((ulong)bytes.Length - 8));
        Assert.That((8 + n) % 8, Is.EqualTo(0UL), "data starts 8-byte aligned");
        var header = bytes.AsSpan(8, (int)n).ToArray();
        Assert.That(header[0], Is.EqualTo((byte)'{'), "header starts with '{'");
        var text = Encoding.UTF8.GetString(header);
        var trimmed = text.TrimEnd(' ');
        Assert.That(trimmed, Does.EndWith("}"), "only spaces pad the header");
        Assert.That(text.Length - trimmed.Length, Is.LessThan(8));

        using var json = JsonDocument.Parse(trimmed);
        var root = json.RootElement;
        var meta = root.GetProperty("__metadata__");
        Assert.That(meta.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()), Is.EqualTo(metadata));

        var data = bytes.AsSpan(8 + (int)n).ToArray();
        var expected = new Dictionary<string, (string DType, long[] Shape, byte[] Bytes, int Size)>
        {
            ["layer.weight"] = ("F32", new long[] { 2, 3 }, F32.SelectMany(v => LittleEndian(BitConverter.SingleToInt32Bits(v))).ToArray(), 4),
            ["layer.double"] = ("F64", new long[] { 3 }, F64.SelectMany(v => LittleEndian(BitConverter.DoubleToInt64Bits(v))).ToArray(), 8),
            ["count"] = ("I64", Array.Empty<long>(), LittleEndian(123456789012345L), 8),
            ["index"] = ("I32", new long[] { 2, 2 }, I32.SelectMany(LittleEndian).ToArray(), 4),
            ["mask"] = ("BOOL", new long[] { 5 }, Bool.Select(b => b ? (byte)1 : (byte)0).ToArray(), 1),
            ["empty"] = ("F32", new long[] { 0, 3 }, Array.Empty<byte>(), 4),
        };

        var entries = root.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();
        Assert.That(entries.Select(p => p.Name), Is.EquivalentTo(expected.Keys));
        var spans = new List<(long Begin, long End)>();
        foreach (var entry in entries)
        {
            var (dtype, shape, content, size) = expected[entry.Name];
            Assert.That(entry.Value.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "dtype", "shape", "data_offsets" }), entry.Name);
            Assert.That(entry.Value.GetProperty("dtype").GetString(), Is.EqualTo(dtype), entry.Name);
            Assert.That(entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(shape), entry.Name);
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.That(offsets, Has.Length.EqualTo(2));
            Assert.That(offsets[1] - offsets[0], Is.EqualTo(content.Length), entry.Name);
            Assert.That(offsets[0] % size, Is.EqualTo(0), $"{entry.Name} is aligned to its element size");
            Assert.That(data.AsSpan((int)offsets[0], content.Length).ToArray(), Is.EqualTo(content), $"{entry.Name} bytes");
            spans.Add((offsets[0], offsets[1]));
        }
        long end = 0;
        foreach (var (begin, stop) in spans.OrderBy(s => s.Begin).ThenBy(s => s.End))
        {
            Assert.That(begin, Is.EqualTo(end), "no gaps, no overlaps");
            end = stop;
        }
        Assert.That(end, Is.EqualTo(data.Length), "the tensors cover the whole data section");
    }

    [Test]
    public void Load_returns_the_same_dtypes_shapes_values_and_metadata()
    {
        var path = Path.Combine(_directory, "t.safetensors");
        var sample = Sample();
        SafeTensors.Save(path, sample, new Dictionary<string, string> { ["k"] = "v" });
        var (tensors, metadata) = SafeTensors.Load(path);
        Assert.That(metadata, Is.EqualTo(new Dictionary<string, string> { ["k"] = "v" }));
        Assert.That(tensors.Keys, Is.EquivalentTo(sample.Keys));
        foreach (var (name, original) in sample)
        {
            Assert.That(tensors[name].dtype, Is.EqualTo(original.dtype), name);
            Assert.That(tensors[name].shape, Is.EqualTo(original.shape), name);
            Assert.That(Bits.Identical(tensors[name], original), Is.True, name);
        }
    }

    [Test]
    public void Non_contiguous_and_gradient_tracking_tensors_are_written_as_their_values()
    {
        var path = Path.Combine(_directory, "t.safetensors");
        var transposed = arange(6, dtype: ScalarType.Float32).reshape(2, 3).t();
        var parameter = randn(3, 2).requires_grad_(true);
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["t"] = transposed, ["p"] = parameter });
        var (tensors, _) = SafeTensors.Load(path);
        Assert.That(Bits.Identical(tensors["t"], transposed), Is.True);
        Assert.That(Bits.Identical(tensors["p"], parameter), Is.True);
        Assert.That(transposed.is_contiguous(), Is.False, "the caller's tensor is left as it was");
    }

    [Test]
    public void A_file_written_by_hand_to_the_spec_loads()
    {
        // What Python's save_file({"b": tensor([1., 2.]), "a": tensor([[7]], dtype=int64)}, metadata={"m": "x"}) writes.
        var header = "{\"__metadata__\":{\"m\":\"x\"},\"a\":{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        while ((header.Length + 8) % 8 != 0) header += " ";
        var file = new List<byte>();
        file.AddRange(LittleEndian((long)header.Length));
        file.AddRange(Encoding.UTF8.GetBytes(header));
        file.AddRange(LittleEndian(7L));
        file.AddRange(LittleEndian(BitConverter.SingleToInt32Bits(1f)));
        file.AddRange(LittleEndian(BitConverter.SingleToInt32Bits(2f)));
        var path = Path.Combine(_directory, "python.safetensors");
        File.WriteAllBytes(path, file.ToArray());

        var (tensors, metadata) = SafeTensors.Load(path);
        Assert.That(metadata["m"], Is.EqualTo("x"));
        Assert.That(tensors["a"].dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(tensors["a"].shape, Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(tensors["a"].item<long>(), Is.EqualTo(7));
        Assert.That(tensors["b"].data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void Broken_files_fail_with_invalid_data_naming_the_problem()
    {
        var path = Path.Combine(_directory, "t.safetensors");
        SafeTensors.Save(path, Sample());
        var good = File.ReadAllBytes(path);

        File.WriteAllBytes(path, good[..^4]);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path))!.Message, Does.Contain("data section"));

        File.WriteAllBytes(path, good[..5]);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path))!.Message, Does.Contain("fewer than the 8-byte"));

        var huge = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(huge, 1UL << 40);
        File.WriteAllBytes(path, huge);
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path))!.Message, Does.Contain("exceeds"));

        var wrongSize = Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}");
        File.WriteAllBytes(path, LittleEndian((long)wrongSize.Length).Concat(wrongSize).Concat(new byte[8]).ToArray());
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path))!.Message, Does.Contain("needs 12 bytes"));

        var unknown = Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}");
        File.WriteAllBytes(path, LittleEndian((long)unknown.Length).Concat(unknown).Concat(new byte[1]).ToArray());
        Assert.That(Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path))!.Message, Does.Contain("F8_E4M3"));
    }

    [Test]
    public void Complex_tensors_are_refused_with_a_hint()
    {
        var path = Path.Combine(_directory, "t.safetensors");
        var e = Assert.Throws<NotSupportedException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["h"] = zeros(2, dtype: ScalarType.ComplexFloat32) }))!;
        Assert.That(e.Message, Does.Contain("view_as_real"));
        Assert.That(File.Exists(path), Is.False);
    }

    private static byte[] LittleEndian(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); return b; }

    private static byte[] LittleEndian(long v) { var b = new byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, v); return b; }
}
