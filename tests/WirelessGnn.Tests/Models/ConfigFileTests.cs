using System.Text.Json.Nodes;
using NUnit.Framework;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Plugins;

namespace WirelessGnn.Tests.Models;

/// <summary>The config files shipped in <c>configs/</c> (named <c>plugin.purpose.json</c>) still bind to their plugin.</summary>
[TestFixture]
public class ConfigFileTests
{
    private static string ConfigsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WirelessGnn.slnx"))) return Path.Combine(dir.FullName, "configs");
        throw new DirectoryNotFoundException($"No WirelessGnn.slnx above {AppContext.BaseDirectory}.");
    }

    private static IEnumerable<string> Files() => Directory.EnumerateFiles(ConfigsDirectory(), "*.json").Order();

    [Test]
    public void There_are_config_files() => Assert.That(Files(), Is.Not.Empty);

    [TestCaseSource(nameof(Files))]
    public void Each_config_file_binds_to_its_plugin_and_changes_every_value_it_names(string path)
    {
        var plugin = PluginCatalog.Find(Path.GetFileName(path).Split('.')[0]);
        var file = ConfigBinder.ReadFile(path);
        // What `reproduce --config` resolves: defaults, then the file; validated.
        var defaults = plugin.DefaultConfig(quick: false);
        var resolved = ConfigBinder.Resolve(defaults, file, Array.Empty<string>());

        // A value equal to the default would make the file claim a choice it does not make.
        var changed = ConfigBinder.ChangedValues(ConfigBinder.ToJson(defaults), ConfigBinder.ToJson(resolved));
        Assert.That(changed, Has.Count.EqualTo(Leaves(file)), string.Join("; ", changed));
    }

    private static int Leaves(JsonNode? node) => node is JsonObject o ? o.Sum(kv => Leaves(kv.Value)) : 1;
}
