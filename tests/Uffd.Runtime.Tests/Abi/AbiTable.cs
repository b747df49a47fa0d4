using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd.Runtime.Tests.Abi;

/// <summary>The C value <see cref="CName"/> must equal <see cref="Value"/>, which the runtime defines as <see cref="Label"/>.</summary>
internal sealed record AbiComparison(string CName, string Label, long Value);

/// <summary>
/// Every ABI fact the runtime hardcodes, paired with the C expression gcc evaluates for it. The C names of the
/// interop constants are the C# field names, so those are read by reflection and a renamed field fails loudly.
/// </summary>
internal static class AbiTable
{
    private static readonly Dictionary<string, NativeSymbol> SymbolsByName = new(StringComparer.Ordinal);
    private static readonly List<NativeSymbol> SymbolList = new();
    private static readonly List<AbiComparison> ComparisonList = new();
    private static readonly HashSet<(Type, ulong)> Covered = new();

    /// <summary>The public enums that mirror the uapi; every named member must be covered by a comparison.</summary>
    public static readonly Type[] AbiEnums =
    {
        typeof(UffdFeatures), typeof(UffdIoctls), typeof(RegisterMode), typeof(CopyMode), typeof(ZeroPageMode),
        typeof(ContinueMode), typeof(PoisonMode), typeof(MoveMode), typeof(UffdEventKind), typeof(PageFaultFlags),
        typeof(PageCategories), typeof(PagemapScanFlags),
    };

    /// <summary>The interop classes whose every constant must be covered by a comparison.</summary>
    public static readonly Type[] InteropConstants = { typeof(UffdAbi), typeof(PagemapAbi), typeof(Libc), typeof(Errno) };

    static AbiTable()
    {
        UffdConstants();
        PagemapConstants();
        StructLayouts();
        LibcConstants();
    }

    public static IReadOnlyList<NativeSymbol> Symbols => SymbolList;

    public static IReadOnlyList<AbiComparison> Comparisons => ComparisonList;

    public static IReadOnlySet<(Type Enum, ulong Value)> CoveredEnumMembers => Covered;

    /// <summary>Constants that cannot be checked on this machine, with the reason.</summary>
    public static IReadOnlyDictionary<string, string> Unverifiable { get; } = new Dictionary<string, string>
    {
        [RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "UffdAbi.SYS_userfaultfd_x64" : "UffdAbi.SYS_userfaultfd_arm64"] =
            "the syscall number of the other architecture; gcc here only knows this architecture's <sys/syscall.h>",
    };

    private static void UffdConstants()
    {
        Mirror(typeof(UffdAbi), "UFFD_API", "UFFD_USER_MODE_ONLY");
        Compare("SYS_userfaultfd", RuntimeInformation.ProcessArchitecture == Architecture.Arm64
            ? ("UffdAbi.SYS_userfaultfd_arm64", UffdAbi.SYS_userfaultfd_arm64)
            : ("UffdAbi.SYS_userfaultfd_x64", UffdAbi.SYS_userfaultfd_x64));

        Mirror(typeof(UffdAbi),
            "UFFDIO_API", "UFFDIO_REGISTER", "UFFDIO_UNREGISTER", "UFFDIO_WAKE", "UFFDIO_COPY", "UFFDIO_ZEROPAGE",
            "UFFDIO_MOVE", "UFFDIO_WRITEPROTECT", "UFFDIO_CONTINUE", "UFFDIO_POISON", "USERFAULTFD_IOC_NEW",
            "UFFDIO_COPY_MODE_DONTWAKE", "UFFDIO_COPY_MODE_WP", "UFFDIO_ZEROPAGE_MODE_DONTWAKE",
            "UFFDIO_WRITEPROTECT_MODE_WP", "UFFDIO_WRITEPROTECT_MODE_DONTWAKE",
            "UFFDIO_CONTINUE_MODE_DONTWAKE", "UFFDIO_CONTINUE_MODE_WP", "UFFDIO_POISON_MODE_DONTWAKE",
            "UFFDIO_MOVE_MODE_DONTWAKE", "UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES");

        Member("UFFD_FEATURE_PAGEFAULT_FLAG_WP", UffdFeatures.PageFaultFlagWP);
        Member("UFFD_FEATURE_EVENT_FORK", UffdFeatures.EventFork);
        Member("UFFD_FEATURE_EVENT_REMAP", UffdFeatures.EventRemap);
        Member("UFFD_FEATURE_EVENT_REMOVE", UffdFeatures.EventRemove);
        Member("UFFD_FEATURE_MISSING_HUGETLBFS", UffdFeatures.MissingHugetlbfs);
        Member("UFFD_FEATURE_MISSING_SHMEM", UffdFeatures.MissingShmem);
        Member("UFFD_FEATURE_EVENT_UNMAP", UffdFeatures.EventUnmap);
        Member("UFFD_FEATURE_SIGBUS", UffdFeatures.Sigbus);
        Member("UFFD_FEATURE_THREAD_ID", UffdFeatures.ThreadId);
        Member("UFFD_FEATURE_MINOR_HUGETLBFS", UffdFeatures.MinorHugetlbfs);
        Member("UFFD_FEATURE_MINOR_SHMEM", UffdFeatures.MinorShmem);
        Member("UFFD_FEATURE_EXACT_ADDRESS", UffdFeatures.ExactAddress);
        Member("UFFD_FEATURE_WP_HUGETLBFS_SHMEM", UffdFeatures.WPHugetlbfsShmem);
        Member("UFFD_FEATURE_WP_UNPOPULATED", UffdFeatures.WPUnpopulated);
        Member("UFFD_FEATURE_POISON", UffdFeatures.Poison);
        Member("UFFD_FEATURE_WP_ASYNC", UffdFeatures.WPAsync);
        Member("UFFD_FEATURE_MOVE", UffdFeatures.Move);

        Member("UFFDIO_REGISTER_MODE_MISSING", RegisterMode.Missing);
        Member("UFFDIO_REGISTER_MODE_WP", RegisterMode.WriteProtect);
        Member("UFFDIO_REGISTER_MODE_MINOR", RegisterMode.Minor);

        Member("UFFDIO_COPY_MODE_DONTWAKE", CopyMode.DontWake);
        Member("UFFDIO_COPY_MODE_WP", CopyMode.WriteProtect);
        Member("UFFDIO_ZEROPAGE_MODE_DONTWAKE", ZeroPageMode.DontWake);
        Member("UFFDIO_CONTINUE_MODE_DONTWAKE", ContinueMode.DontWake);
        Member("UFFDIO_CONTINUE_MODE_WP", ContinueMode.WriteProtect);
        Member("UFFDIO_POISON_MODE_DONTWAKE", PoisonMode.DontWake);
        Member("UFFDIO_MOVE_MODE_DONTWAKE", MoveMode.DontWake);
        Member("UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES", MoveMode.AllowSourceHoles);

        Member("UFFD_EVENT_PAGEFAULT", UffdEventKind.PageFault);
        Member("UFFD_EVENT_FORK", UffdEventKind.Fork);
        Member("UFFD_EVENT_REMAP", UffdEventKind.Remap);
        Member("UFFD_EVENT_REMOVE", UffdEventKind.Remove);
        Member("UFFD_EVENT_UNMAP", UffdEventKind.Unmap);

        Member("UFFD_PAGEFAULT_FLAG_WRITE", PageFaultFlags.Write);
        Member("UFFD_PAGEFAULT_FLAG_WP", PageFaultFlags.WriteProtect);
        Member("UFFD_PAGEFAULT_FLAG_MINOR", PageFaultFlags.Minor);

        IoctlBit("_UFFDIO_REGISTER", UffdIoctls.Register);
        IoctlBit("_UFFDIO_UNREGISTER", UffdIoctls.Unregister);
        IoctlBit("_UFFDIO_WAKE", UffdIoctls.Wake);
        IoctlBit("_UFFDIO_COPY", UffdIoctls.Copy);
        IoctlBit("_UFFDIO_ZEROPAGE", UffdIoctls.ZeroPage);
        IoctlBit("_UFFDIO_MOVE", UffdIoctls.Move);
        IoctlBit("_UFFDIO_WRITEPROTECT", UffdIoctls.WriteProtect);
        IoctlBit("_UFFDIO_CONTINUE", UffdIoctls.Continue);
        IoctlBit("_UFFDIO_POISON", UffdIoctls.Poison);
        IoctlBit("_UFFDIO_API", UffdIoctls.Api);
    }

    private static void PagemapConstants()
    {
        Mirror(typeof(PagemapAbi), "PAGEMAP_SCAN", "PM_SCAN_WP_MATCHING", "PM_SCAN_CHECK_WPASYNC");
        Member("PM_SCAN_WP_MATCHING", PagemapScanFlags.WriteProtectMatching);
        Member("PM_SCAN_CHECK_WPASYNC", PagemapScanFlags.CheckWriteProtectAsync);
        Member("PAGE_IS_WPALLOWED", PageCategories.WriteProtectAllowed);
        Member("PAGE_IS_WRITTEN", PageCategories.Written);
        Member("PAGE_IS_FILE", PageCategories.File);
        Member("PAGE_IS_PRESENT", PageCategories.Present);
        Member("PAGE_IS_SWAPPED", PageCategories.Swapped);
        Member("PAGE_IS_PFNZERO", PageCategories.ZeroPfn);
        Member("PAGE_IS_HUGE", PageCategories.Huge);
        Member("PAGE_IS_SOFT_DIRTY", PageCategories.SoftDirty);
    }

    private static void StructLayouts()
    {
        // uffd_msg is public and keeps its fields private: its offsets are checked by decoding (AbiLayoutTests).
        Size("struct uffd_msg", ("UffdAbi.MessageSize", UffdAbi.MessageSize), ("Marshal.SizeOf<UffdMessage>()", Marshal.SizeOf<UffdMessage>()),
            ("Unsafe.SizeOf<UffdMessage>()", Unsafe.SizeOf<UffdMessage>()));
        Compare("sizeof(((struct uffd_msg *)0)->event)", ("Unsafe.SizeOf<UffdEventKind>()", Unsafe.SizeOf<UffdEventKind>()));
        foreach (string field in MessageFields)
        {
            Probe($"offsetof(struct uffd_msg, {field})", null);
        }

        Size("struct uffdio_api", Native<UffdioApi>());
        Offsets<UffdioApi>("struct uffdio_api", ("api", "Api"), ("features", "Features"), ("ioctls", "Ioctls"));

        Size("struct uffdio_range", Native<UffdioRange>());
        Offsets<UffdioRange>("struct uffdio_range", ("start", "Start"), ("len", "Len"));

        Size("struct uffdio_register", Native<UffdioRegister>());
        RangeOffsets<UffdioRegister>("struct uffdio_register");
        Offsets<UffdioRegister>("struct uffdio_register", ("mode", "Mode"), ("ioctls", "Ioctls"));

        Size("struct uffdio_copy", Native<UffdioCopy>());
        Offsets<UffdioCopy>("struct uffdio_copy", ("dst", "Dst"), ("src", "Src"), ("len", "Len"), ("mode", "Mode"), ("copy", "Copy"));

        Size("struct uffdio_zeropage", Native<UffdioZeropage>());
        RangeOffsets<UffdioZeropage>("struct uffdio_zeropage");
        Offsets<UffdioZeropage>("struct uffdio_zeropage", ("mode", "Mode"), ("zeropage", "Zeropage"));

        Size("struct uffdio_writeprotect", Native<UffdioWriteprotect>());
        RangeOffsets<UffdioWriteprotect>("struct uffdio_writeprotect");
        Offsets<UffdioWriteprotect>("struct uffdio_writeprotect", ("mode", "Mode"));

        Size("struct uffdio_continue", Native<UffdioContinue>());
        RangeOffsets<UffdioContinue>("struct uffdio_continue");
        Offsets<UffdioContinue>("struct uffdio_continue", ("mode", "Mode"), ("mapped", "Mapped"));

        Size("struct uffdio_poison", Native<UffdioPoison>());
        RangeOffsets<UffdioPoison>("struct uffdio_poison");
        Offsets<UffdioPoison>("struct uffdio_poison", ("mode", "Mode"), ("updated", "Updated"));

        Size("struct uffdio_move", Native<UffdioMove>());
        Offsets<UffdioMove>("struct uffdio_move", ("dst", "Dst"), ("src", "Src"), ("len", "Len"), ("mode", "Mode"), ("move", "Move"));

        Size("struct pm_scan_arg", Native<PmScanArg>());
        Offsets<PmScanArg>("struct pm_scan_arg",
            ("size", "Size"), ("flags", "Flags"), ("start", "Start"), ("end", "End"), ("walk_end", "WalkEnd"), ("vec", "Vec"),
            ("vec_len", "VecLen"), ("max_pages", "MaxPages"), ("category_inverted", "CategoryInverted"),
            ("category_mask", "CategoryMask"), ("category_anyof_mask", "CategoryAnyofMask"), ("return_mask", "ReturnMask"));

        // PageRegion is public and is the ioctl's output vector itself: its private fields must sit where the kernel writes.
        Size("struct page_region", Native<PageRegion>());
        Offsets<PageRegion>("struct page_region", ("start", "start"), ("end", "end"), ("categories", "categories"));

        Size("struct statfs", ("Libc.StatfsSize", Libc.StatfsSize));
        Compare("offsetof(struct statfs, f_bsize)", ("Libc.StatfsBlockSizeOffset", Libc.StatfsBlockSizeOffset));
        Compare("sizeof(((struct statfs *)0)->f_bsize)", ("sizeof(long), how UffdMemory reads f_bsize", sizeof(long)));

        Size("struct pollfd", Native<PollFd>());
        Offsets<PollFd>("struct pollfd", ("fd", "Fd"), ("events", "Events"), ("revents", "Revents"));
        Compare("sizeof(((struct pollfd *)0)->events)", ("sizeof(short), PollFd.Events", sizeof(short)));

        // sendmsg/recvmsg with SCM_RIGHTS, which UffdSocket passes a uffd between processes with.
        Size("struct msghdr", Native<SocketAbi.MsgHdr>());
        Offsets<SocketAbi.MsgHdr>("struct msghdr",
            ("msg_name", "Name"), ("msg_namelen", "NameLength"), ("msg_iov", "Iov"), ("msg_iovlen", "IovLength"),
            ("msg_control", "Control"), ("msg_controllen", "ControlLength"), ("msg_flags", "Flags"));
        Size("struct iovec", Native<SocketAbi.IoVec>());
        Offsets<SocketAbi.IoVec>("struct iovec", ("iov_base", "Base"), ("iov_len", "Length"));
        Size("struct cmsghdr", Native<SocketAbi.CmsgHdr>());
        Offsets<SocketAbi.CmsgHdr>("struct cmsghdr", ("cmsg_len", "Length"), ("cmsg_level", "Level"), ("cmsg_type", "Type"));
        Compare("CMSG_LEN(sizeof(int))", ("SocketAbi.CmsgLenOneFd", SocketAbi.CmsgLenOneFd));
        Compare("CMSG_SPACE(sizeof(int))", ("SocketAbi.CmsgSpaceOneFd", SocketAbi.CmsgSpaceOneFd));
        Compare("CMSG_LEN(0)", ("sizeof(SocketAbi.CmsgHdr), where UffdSocket reads the descriptor", Unsafe.SizeOf<SocketAbi.CmsgHdr>()));
    }

    private static void LibcConstants()
    {
        Mirror(typeof(Libc),
            "O_RDONLY", "O_RDWR", "O_NONBLOCK", "O_CLOEXEC",
            "PROT_NONE", "PROT_READ", "PROT_WRITE",
            "MAP_SHARED", "MAP_PRIVATE", "MAP_FIXED", "MAP_ANONYMOUS", "MAP_NORESERVE",
            "MADV_DONTNEED", "MADV_REMOVE", "MADV_DONTFORK", "MADV_DOFORK", "MADV_NOHUGEPAGE",
            "MREMAP_MAYMOVE", "MREMAP_FIXED",
            "MFD_CLOEXEC", "MFD_HUGETLB",
            "EFD_NONBLOCK", "EFD_CLOEXEC",
            "POLLIN", "POLLERR", "POLLHUP", "POLLNVAL");
        Compare("MAP_FAILED", "(intptr_t)MAP_FAILED", ("Libc.MAP_FAILED", Libc.MAP_FAILED));
        Mirror(typeof(SocketAbi), "SOL_SOCKET", "SCM_RIGHTS", "MSG_CTRUNC", "MSG_NOSIGNAL", "MSG_CMSG_CLOEXEC");
        Mirror(typeof(Errno), ErrnoNames);
    }

    /// <summary>The errno constants the runtime decodes; their C names are the field names.</summary>
    public static readonly string[] ErrnoNames =
    {
        "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "EBADF", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "EBUSY", "EEXIST",
        "ENODEV", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ENOSPC", "ENOSYS", "EHWPOISON",
    };

    /// <summary>Every field of <c>struct uffd_msg</c>, as <c>offsetof</c> designators.</summary>
    public static readonly string[] MessageFields =
    {
        "event", "reserved1", "reserved2", "reserved3", "arg",
        "arg.pagefault.flags", "arg.pagefault.address", "arg.pagefault.feat.ptid",
        "arg.fork.ufd",
        "arg.remap.from", "arg.remap.to", "arg.remap.len",
        "arg.remove.start", "arg.remove.end",
        "arg.reserved.reserved1", "arg.reserved.reserved2", "arg.reserved.reserved3",
    };

    public static string OffsetName(string cStruct, string field) => $"offsetof({cStruct}, {field})";

    private static void Mirror(Type type, params string[] names)
    {
        foreach (string name in names)
        {
            FieldInfo? field = type.GetField(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
            long value = field is null ? long.MinValue : ToInt64(field.GetValue(null)!);
            Compare(name, ($"{type.Name}.{name}{(field is null ? " (missing field)" : string.Empty)}", value));
        }
    }

    private static void Member<T>(string macro, T member) where T : struct, Enum
    {
        ulong bits = ToUInt64(member);
        Covered.Add((typeof(T), bits));
        Compare(macro, ($"{typeof(T).Name}.{member}", unchecked((long)bits)));
    }

    private static void IoctlBit(string macro, UffdIoctls member)
    {
        Covered.Add((typeof(UffdIoctls), (ulong)member));
        Compare(macro, ($"log2(UffdIoctls.{member})", BitOperations.Log2((ulong)member)));
    }

    private static (string, long)[] Native<T>() where T : struct =>
        new (string, long)[] { ($"Marshal.SizeOf<{typeof(T).Name}>()", Marshal.SizeOf<T>()), ($"Unsafe.SizeOf<{typeof(T).Name}>()", Unsafe.SizeOf<T>()) };

    private static void Size(string cStruct, params (string Label, long Value)[] csharp) =>
        Compare($"sizeof({cStruct})", csharp);

    private static void Offsets<T>(string cStruct, params (string CField, string Field)[] fields) where T : struct
    {
        foreach ((string cField, string field) in fields)
        {
            Compare(OffsetName(cStruct, cField), ($"Marshal.OffsetOf<{typeof(T).Name}>({field})", (long)Marshal.OffsetOf<T>(field)));
        }
    }

    private static void RangeOffsets<T>(string cStruct) where T : struct
    {
        long range = (long)Marshal.OffsetOf<T>("Range");
        Compare(OffsetName(cStruct, "range"), ($"Marshal.OffsetOf<{typeof(T).Name}>(Range)", range));
        Compare(OffsetName(cStruct, "range.start"), ($"{typeof(T).Name}.Range.Start", range + (long)Marshal.OffsetOf<UffdioRange>("Start")));
        Compare(OffsetName(cStruct, "range.len"), ($"{typeof(T).Name}.Range.Len", range + (long)Marshal.OffsetOf<UffdioRange>("Len")));
    }

    private static void Compare(string cName, params (string Label, long Value)[] csharp) => Compare(cName, cName, csharp);

    private static void Compare(string cName, string cExpression, params (string Label, long Value)[] csharp)
    {
        Probe(cName, cExpression);
        foreach ((string label, long value) in csharp)
        {
            ComparisonList.Add(new AbiComparison(cName, label, value));
        }
    }

    private static void Probe(string cName, string? cExpression)
    {
        if (SymbolsByName.ContainsKey(cName))
        {
            return;
        }

        var symbol = new NativeSymbol(cName, cExpression ?? cName);
        SymbolsByName.Add(cName, symbol);
        SymbolList.Add(symbol);
    }

    private static ulong ToUInt64<T>(T member) where T : struct, Enum => Convert.ToUInt64(member, null);

    private static long ToInt64(object value) => value switch
    {
        ulong u => unchecked((long)u),
        nint n => n,
        IConvertible c => c.ToInt64(null),
        _ => throw new InvalidOperationException($"unexpected constant type {value.GetType()}"),
    };
}
