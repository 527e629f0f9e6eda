namespace Kernel.Update.Rollback.Tests.Health;

/// <summary>A test class with its own <see cref="HealthBed"/>, removed after each test.</summary>
public abstract class HealthBedTests : IDisposable
{
    private protected HealthBed Bed { get; } = new();

    public void Dispose()
    {
        Bed.Dispose();
        GC.SuppressFinalize(this);
    }
}
