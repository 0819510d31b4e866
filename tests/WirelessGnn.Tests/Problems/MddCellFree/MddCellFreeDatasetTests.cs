using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using static WirelessGnn.Tests.Problems.MddCellFree.MddCellFreeData;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// The dataset cache: a round trip gives the sampler's instances back bit for bit (Case 1 and Case 2) without
/// rewriting the file; the key separates configs, counts and seeds; corrupt, truncated and mismatched files are
/// re-sampled and replaced, never trusted; a bad config fails before any file is written.
/// </summary>
[TestFixture]
public class MddCellFreeDatasetTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"wgnn-mddcf-{Guid.NewGuid():N}");
    }

    [TearDown]
    public void DeleteDirectory()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void Round_trip_returns_the_sampled_instances_and_reads_the_file_the_second_time()
    {
        foreach (var config in new[] { Small, Clustered })
        {
            var expected = Instances(config, 7, 42);
            var first = MddCellFreeDataset.LoadOrSample(config, 7, 42, _directory);
            string path = Path.Combine(_directory, MddCellFreeDataset.FileName(config, 7, 42));
            Assert.That(File.Exists(path), Is.True, "the cache file is written");
            var written = File.GetLastWriteTimeUtc(path);
            var bytes = File.ReadAllBytes(path);
            var second = MddCellFreeDataset.LoadOrSample(config, 7, 42, _directory);
            Assert.That(File.GetLastWriteTimeUtc(path), Is.EqualTo(written), "the second call reads, it does not rewrite");
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(bytes));
            Assert.That(second, Has.Count.EqualTo(7));
            for (int i = 0; i < 7; i++)
            {
                AssertSame(expected[i], first[i], $"{config.Serving}: sampled, layout {i}");
                AssertSame(expected[i], second[i], $"{config.Serving}: read back, layout {i}");
            }
        }
        Assert.That(Directory.GetFiles(_directory), Has.Length.EqualTo(2), "one file per key, no temporary files left");
    }

    [Test]
    public void The_key_separates_configs_counts_and_seeds()
    {
        var names = new[]
        {
            MddCellFreeDataset.FileName(Small, 10, 1), MddCellFreeDataset.FileName(Small, 11, 1), MddCellFreeDataset.FileName(Small, 10, 2),
            MddCellFreeDataset.FileName(Small with { AreaSide = 201 }, 10, 1), MddCellFreeDataset.FileName(Small with { Mapping = SubcarrierMapping.Interleaved }, 10, 1),
        };
        Assert.That(names.Distinct().Count(), Is.EqualTo(names.Length));
        Assert.That(MddCellFreeDataset.FileName(Small with { }, 10, 1), Is.EqualTo(names[0]), "stable for an equal config");
        Assert.That(names[0], Does.Match("^mdd-cell-free-[0-9a-f]{16}\\.bin$"));
    }

    [TestCase("flip"), TestCase("truncate"), TestCase("empty"), TestCase("garbage")]
    public void A_damaged_file_is_resampled_and_replaced(string damage)
    {
        var config = Small;
        MddCellFreeDataset.LoadOrSample(config, 5, 3, _directory);
        string path = Path.Combine(_directory, MddCellFreeDataset.FileName(config, 5, 3));
        var good = File.ReadAllBytes(path);
        var bad = damage switch
        {
            "flip" => Flip(good, good.Length / 2),
            "truncate" => good[..(good.Length - 100)],
            "empty" => Array.Empty<byte>(),
            _ => Enumerable.Range(0, 5000).Select(i => (byte)(i * 37)).ToArray(),
        };
        File.WriteAllBytes(path, bad);
        var loaded = MddCellFreeDataset.LoadOrSample(config, 5, 3, _directory);
        var expected = Instances(config, 5, 3);
        for (int i = 0; i < 5; i++) AssertSame(expected[i], loaded[i], $"{damage}: layout {i}");
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(good), $"{damage}: the file is rewritten");
    }

    [Test]
    public void A_file_for_another_key_under_this_name_is_not_trusted()
    {
        var other = Small with { AreaSide = 300 };
        MddCellFreeDataset.LoadOrSample(other, 4, 9, _directory);
        Directory.CreateDirectory(_directory);
        File.Copy(Path.Combine(_directory, MddCellFreeDataset.FileName(other, 4, 9)), Path.Combine(_directory, MddCellFreeDataset.FileName(Small, 4, 9)));
        var loaded = MddCellFreeDataset.LoadOrSample(Small, 4, 9, _directory);
        var expected = Instances(Small, 4, 9);
        for (int i = 0; i < 4; i++) AssertSame(expected[i], loaded[i], $"layout {i}");
    }

    [Test]
    public void A_bad_config_fails_before_writing()
    {
        Assert.That(() => MddCellFreeDataset.LoadOrSample(Small with { Mss = 5 }, 4, 1, _directory),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("mss"));
        Assert.That(() => MddCellFreeDataset.LoadOrSample(Small, -1, 1, _directory),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
        Assert.That(Directory.Exists(_directory), Is.False);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x10;
        return copy;
    }
}
