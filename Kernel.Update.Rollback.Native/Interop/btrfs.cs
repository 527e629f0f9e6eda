#pragma warning disable CS8981 // C struct names kept verbatim

namespace Kernel.Update.Rollback.Native;

// <linux/btrfs.h>
internal static partial class Libc
{
    internal const nuint BTRFS_IOC_SNAP_CREATE_V2 = 0x50009417;  // _IOW(0x94, 23, struct btrfs_ioctl_vol_args_v2)
    internal const nuint BTRFS_IOC_SUBVOL_CREATE = 0x5000940E;   // _IOW(0x94, 14, struct btrfs_ioctl_vol_args)
    internal const nuint BTRFS_IOC_SNAP_DESTROY = 0x5000940F;    // _IOW(0x94, 15, struct btrfs_ioctl_vol_args)

    internal const ulong BTRFS_SUBVOL_RDONLY = 1UL << 1;
    internal const int BTRFS_PATH_NAME_MAX = 4087;
    internal const int BTRFS_SUBVOL_NAME_MAX = 4039;

    // The root directory of every subvolume has this inode number (BTRFS_FIRST_FREE_OBJECTID).
    internal const ulong BTRFS_FIRST_FREE_OBJECTID = 256;

    internal unsafe struct btrfs_ioctl_vol_args
    {
        public long fd;
        public fixed byte name[BTRFS_PATH_NAME_MAX + 1];
    }

    internal unsafe struct btrfs_ioctl_vol_args_v2
    {
        public long fd;
        public ulong transid;
        public ulong flags;
        public fixed ulong unused[4]; // union { struct { size; qgroup_inherit* }; __u64 unused[4]; }
        public fixed byte name[BTRFS_SUBVOL_NAME_MAX + 1];
    }
}
