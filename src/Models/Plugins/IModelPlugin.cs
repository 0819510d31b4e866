using WirelessGnn.Models.Experiments;

namespace WirelessGnn.Models.Plugins;

/// <summary>The untyped face of a plugin, as the registry and the command line see it.</summary>
public interface IModelPlugin
{
    PluginInfo Info { get; }
    Type ConfigType { get; }

    /// <summary>The settings that <c>--config</c> and <c>--set</c> change: the paper's, or with <paramref name="quick"/> the small ones.</summary>
    IPluginConfig DefaultConfig(bool quick);

    /// <summary>
    /// Resolves the settings of <paramref name="request"/> (defaults or the checkpoint's, then the file, then the
    /// overrides) and checks them, running nothing; throws what <see cref="Run"/> would throw for them.
    /// </summary>
    void CheckSettings(ExperimentRequest request);

    /// <summary>Trains and/or evaluates as <paramref name="request"/> says and writes the report, curves and plots.</summary>
    ExperimentOutcome Run(ExperimentRequest request);
}
