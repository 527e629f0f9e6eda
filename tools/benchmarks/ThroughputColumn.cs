using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Kernel.Update.Rollback.Benchmarks;

/// <summary>Bytes one operation of the benchmark processes, for <see cref="ThroughputColumn"/>.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class ProcessedBytesAttribute(long bytes) : Attribute
{
    public long Bytes { get; } = bytes;
}

/// <summary>A "GB/s" column: processed bytes (10^9 a GB) over the mean time of one operation.</summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "GB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Throughput: bytes processed per operation over its mean time, 10^9 bytes a GB";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var method = benchmarkCase.Descriptor.WorkloadMethod;
        long? bytes = (method.GetCustomAttribute<ProcessedBytesAttribute>() ?? method.DeclaringType?.GetCustomAttribute<ProcessedBytesAttribute>())?.Bytes;
        double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (bytes is null || nanoseconds is null or <= 0)
            return "-";
        return (bytes.Value / nanoseconds.Value).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Adds <see cref="ThroughputColumn"/> to a benchmark class: <c>[Config(typeof(ThroughputConfig))]</c>.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new ThroughputColumn());
}
