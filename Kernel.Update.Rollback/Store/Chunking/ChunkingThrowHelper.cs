using System.Diagnostics.CodeAnalysis;

namespace Kernel.Update.Rollback.Store.Chunking;

/// <summary>Throws out of line so that the chunker's hot paths stay small.</summary>
internal static class ChunkingThrowHelper
{
    [DoesNotReturn]
    public static void ThrowUninitializedParameters() =>
        throw new ArgumentException("Chunker parameters are uninitialised (default); construct them with sizes.", "p");

    [DoesNotReturn]
    public static void ThrowArgument(string message, string paramName) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowDisposed() => throw new ObjectDisposedException(nameof(StreamChunker));
}
