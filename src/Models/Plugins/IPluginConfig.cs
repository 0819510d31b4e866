using WirelessGnn.Models.Training;

namespace WirelessGnn.Models.Plugins;

/// <summary>
/// A plugin's configuration: a record with public init properties (JSON-serialisable, overridable with
/// <c>--config</c> and <c>--set key=value</c>), the trainer settings, and range checks.
/// </summary>
public interface IPluginConfig
{
    TrainingOptions Training { get; }

    /// <summary>Throws an exception naming the first field outside its range.</summary>
    void Validate();
}
