using Kernel.Update.Rollback.Store.Manifests;

namespace Kernel.Update.Rollback.Capture;

/// <summary>A regular file whose content must be read because it is new or changed since the previous snapshot.</summary>
internal sealed record FileWork(ManifestEntry Entry, string AbsolutePath, ComponentCapture Component);
