namespace Kernel.Update.Rollback.Components;

/// <summary>
/// What kind of system part a component is. Retention keeps a number of recovery points per category,
/// and the names are part of the config file format: do not rename them.
/// </summary>
public enum ComponentCategory
{
    KernelCore,
    SystemServices,
    DeviceDrivers,
    Configuration,
    UserData,
    Database,
    Other,
}
