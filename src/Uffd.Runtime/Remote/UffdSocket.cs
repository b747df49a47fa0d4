using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// Passes a userfaultfd between processes over a connected Unix domain socket: the descriptor travels as
/// <c>SCM_RIGHTS</c> ancillary data of a message whose bytes are a payload of the caller's (Firecracker's VMM sends
/// its guest-memory mappings as JSON this way, with the uffd of guest memory, to its page-fault handler process).
/// </summary>
/// <remarks>
/// The receiving process serves faults of the sender's address space: it must never touch those addresses itself
/// (they are not mapped in the receiver), only resolve them with the ioctls, and it sees the sender's events (REMOVE,
/// UNMAP, REMAP, FORK) on the uffd. A stream socket delivers the descriptor with the first byte of the payload it came
/// with, which is why a payload has at least one byte.
/// </remarks>
public static unsafe class UffdSocket
{
    /// <summary>
    /// Sends <paramref name="uffd"/>'s descriptor with <paramref name="payload"/> (all of it, in one message when the
    /// socket takes it, else the rest in further writes). The descriptor is duplicated into the receiver; this
    /// process keeps its own.
    /// </summary>
    /// <exception cref="ArgumentException">The socket is not a Unix domain socket, or the payload is empty.</exception>
    /// <exception cref="UffdException">The socket refused the message (the peer closed it: EPIPE; ...).</exception>
    public static void Send(Socket socket, Userfaultfd uffd, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(uffd);
        Send(socket, uffd.Handle, payload);
    }

    /// <summary>Sends any descriptor the same way (the tests send one that is not a uffd, to see it refused).</summary>
    internal static void Send(Socket socket, FileDescriptorHandle descriptor, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(socket);
        CheckUnix(socket);
        if (payload.IsEmpty)
        {
            throw new ArgumentException("A descriptor travels with at least one byte of payload on a stream socket.", nameof(payload));
        }

        bool added = false;
        try
        {
            descriptor.DangerousAddRef(ref added);
            int sent = SendWithDescriptor(socket, descriptor.DangerousGetFd(), payload);
            while (sent < payload.Length)
            {
                sent += socket.Send(payload.Slice(sent));
            }
        }
        finally
        {
            if (added)
            {
                descriptor.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Receives one message: its bytes into <paramref name="buffer"/>, and the userfaultfd it carries, if any (the
    /// message that begins a payload carries it; the rest of a payload longer than the buffer arrives in later calls).
    /// The received uffd is adopted with <paramref name="options"/> (see <see cref="Userfaultfd.CreationPath"/>
    /// <see cref="UffdCreationPath.Received"/>): one its sender initialised keeps the features it enabled, and the
    /// options' required features must be among them; an uninitialised one is handshaken here.
    /// </summary>
    /// <returns>The bytes received; 0 when the peer closed the connection.</returns>
    /// <exception cref="ArgumentException">The socket is not a Unix domain socket, or the buffer is empty.</exception>
    /// <exception cref="UffdException">
    /// The message carried a descriptor that is not a userfaultfd, or more than one descriptor, or a uffd without a
    /// required feature; or the socket failed. A descriptor received in error is closed.
    /// </exception>
    public static int Receive(Socket socket, Span<byte> buffer, out Userfaultfd? uffd, UffdOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        CheckUnix(socket);
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("The buffer must hold at least one byte.", nameof(buffer));
        }

        (int received, int fd) = ReceiveWithDescriptor(socket, buffer);
        uffd = fd < 0 ? null : Userfaultfd.Adopt(fd, options);
        return received;
    }

    /// <summary>
    /// The process at the other end of a connected Unix domain socket, as the kernel recorded it when the connection
    /// was made (<c>SO_PEERCRED</c>): the process whose memory a received uffd serves, when it connected itself, as
    /// Firecracker's VMM does. Pass it to <see cref="RemoteMemory"/> so that the region ends when that process exits.
    /// </summary>
    /// <exception cref="ArgumentException">The socket is not a Unix domain socket.</exception>
    public static int PeerProcessId(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        CheckUnix(socket);
        Span<byte> credentials = stackalloc byte[ProcessAbi.UcredSize];
        socket.GetRawSocketOption(SocketAbi.SOL_SOCKET, ProcessAbi.SO_PEERCRED, credentials);
        return MemoryMarshal.Read<int>(credentials);
    }

    private static int SendWithDescriptor(Socket socket, int fd, ReadOnlySpan<byte> payload)
    {
        byte* control = stackalloc byte[SocketAbi.CmsgSpaceOneFd];
        new Span<byte>(control, SocketAbi.CmsgSpaceOneFd).Clear();
        var header = (SocketAbi.CmsgHdr*)control;
        header->Length = SocketAbi.CmsgLenOneFd;
        header->Level = SocketAbi.SOL_SOCKET;
        header->Type = SocketAbi.SCM_RIGHTS;
        *(int*)(control + sizeof(SocketAbi.CmsgHdr)) = fd;

        fixed (byte* data = payload)
        {
            var iov = new SocketAbi.IoVec { Base = data, Length = (nuint)payload.Length };
            var message = new SocketAbi.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = SocketAbi.CmsgSpaceOneFd };
            while (true)
            {
                nint sent = SocketAbi.sendmsg(socket.SafeHandle, &message, SocketAbi.MSG_NOSIGNAL);
                if (sent >= 0)
                {
                    return (int)sent;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EAGAIN)
                {
                    Wait(socket, SelectMode.SelectWrite);
                }
                else if (errno != Errno.EINTR)
                {
                    throw new UffdException($"sendmsg of a userfaultfd (SCM_RIGHTS) failed: {Errno.Describe(errno)}.", errno);
                }
            }
        }
    }

    // Room for a few descriptors, so that a sender of more than one is told so (and its extras closed) rather than
    // leaving them open here unnoticed.
    private const int ReceiveControlSpace = 64;

    private static (int Received, int Fd) ReceiveWithDescriptor(Socket socket, Span<byte> buffer)
    {
        byte* control = stackalloc byte[ReceiveControlSpace];
        fixed (byte* data = buffer)
        {
            while (true)
            {
                new Span<byte>(control, ReceiveControlSpace).Clear();
                var iov = new SocketAbi.IoVec { Base = data, Length = (nuint)buffer.Length };
                var message = new SocketAbi.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = ReceiveControlSpace };
                nint received = SocketAbi.recvmsg(socket.SafeHandle, &message, SocketAbi.MSG_CMSG_CLOEXEC);
                if (received < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EAGAIN)
                    {
                        Wait(socket, SelectMode.SelectRead);
                        continue;
                    }

                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    throw new UffdException($"recvmsg for a userfaultfd (SCM_RIGHTS) failed: {Errno.Describe(errno)}.", errno);
                }

                int count = DescriptorsIn(control, message.ControlLength, out int* fds);
                if (count > 1 || (message.Flags & SocketAbi.MSG_CTRUNC) != 0)
                {
                    for (int i = 0; i < count; i++)
                    {
                        Libc.close(fds[i]);
                    }

                    throw new UffdException(
                        $"The message carried more than the one descriptor expected ({(count > 1 ? count.ToString(System.Globalization.CultureInfo.InvariantCulture) : "more than fit")}); " +
                        "they were closed. Send the userfaultfd alone.");
                }

                return ((int)received, count == 1 ? fds[0] : -1);
            }
        }
    }

    /// <summary>The descriptors of an <c>SCM_RIGHTS</c> header at the start of the control buffer (none: 0).</summary>
    private static int DescriptorsIn(byte* control, nuint length, out int* fds)
    {
        var header = (SocketAbi.CmsgHdr*)control;
        fds = (int*)(control + sizeof(SocketAbi.CmsgHdr));
        if (length < (nuint)SocketAbi.CmsgLenOneFd || header->Level != SocketAbi.SOL_SOCKET || header->Type != SocketAbi.SCM_RIGHTS
            || header->Length < (nuint)sizeof(SocketAbi.CmsgHdr))
        {
            return 0;
        }

        return (int)((header->Length - (nuint)sizeof(SocketAbi.CmsgHdr)) / sizeof(int));
    }

    /// <summary>A socket used asynchronously is non-blocking underneath: wait until it can go on.</summary>
    private static void Wait(Socket socket, SelectMode mode) => socket.Poll(-1, mode);

    private static void CheckUnix(Socket socket)
    {
        if (socket.AddressFamily != AddressFamily.Unix)
        {
            throw new ArgumentException($"A userfaultfd travels over a Unix domain socket; this one is {socket.AddressFamily}.", nameof(socket));
        }
    }
}
