namespace Kernel.Update.Rollback.Capture;

/// <summary>
/// How a block component is cut into chunks. <see cref="Fixed"/> is what snapshots use: the measurement in the
/// README ("Fixed or content-defined chunks for block components") found FastCDC no smaller on a real file system
/// image and slower to cut, and a rollback in place needs chunk i at offset i × size. <see cref="ContentDefined"/>
/// exists for that measurement (tools/bench/block-chunking.sh) and is not reachable from the configuration.
/// </summary>
internal enum BlockChunking
{
    Fixed,
    /// <summary>FastCDC with the store's chunk sizes within each region; boundaries resynchronise at every region start.</summary>
    ContentDefined,
}
