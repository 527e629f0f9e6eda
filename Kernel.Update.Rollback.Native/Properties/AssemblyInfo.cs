using System.Runtime.CompilerServices;

// Every native signature is blittable; the runtime marshaller stays out of the way (and out of NativeAOT).
[assembly: DisableRuntimeMarshalling]
[assembly: InternalsVisibleTo("Kernel.Update.Rollback.Tests")]
