using System.Text.Json.Serialization;

namespace Kernel.Update.Rollback.Boot;

/// <summary>
/// The boot counter of one pending update (<c>boot-state.json</c> in the store): how many boots under it ended
/// badly, which boot is running now, and whether that boot has shut down cleanly. It counts only for the update
/// it names; the catalog's pending-update id is the truth about whether an update is pending.
/// </summary>
public sealed class BootState
{
    public int Format { get; set; } = 1;
    public string UpdatePointId { get; set; } = "";
    /// <summary>Boots under the pending update that ended without a clean shutdown (crashed, hung, power cut).</summary>
    public int FailedBoots { get; set; }
    /// <summary>The boot id of the boot that was last counted, null before the first boot-check.</summary>
    public string? CurrentBoot { get; set; }
    /// <summary>Whether <see cref="CurrentBoot"/> shut down cleanly (a deliberate reboot is not a failure).</summary>
    public bool CurrentBootClean { get; set; }
}

// Source-generated: rollbackctl is published with NativeAOT.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(BootState))]
internal sealed partial class BootJsonContext : JsonSerializerContext;
