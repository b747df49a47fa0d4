using System.Runtime.InteropServices;

namespace Uffd.Interop;

/// <summary>
/// What <c>sendmsg</c>/<c>recvmsg</c> need to pass a descriptor (<c>SCM_RIGHTS</c>), on the LP64 ABI of x86_64 and arm64
/// Linux. The layout test compares every size, offset and constant here with what gcc computes from
/// <c>&lt;sys/socket.h&gt;</c>.
/// </summary>
internal static unsafe partial class SocketAbi
{
    public const int SOL_SOCKET = 1;
    public const int SCM_RIGHTS = 1;
    public const int MSG_CTRUNC = 0x8;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;

    /// <summary><c>CMSG_LEN(sizeof(int))</c>: the header and one descriptor.</summary>
    public const int CmsgLenOneFd = 20;

    /// <summary><c>CMSG_SPACE(sizeof(int))</c>: the same, padded to the header's alignment.</summary>
    public const int CmsgSpaceOneFd = 24;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint sendmsg(SafeHandle socket, MsgHdr* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recvmsg(SafeHandle socket, MsgHdr* message, int flags);
}
