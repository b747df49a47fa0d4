using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Remote;

/// <summary>
/// A userfaultfd passed between processes over a Unix domain socket (SCM_RIGHTS), as Firecracker's VMM hands guest
/// memory to its page-fault handler: the payload and the descriptor arrive together, the received uffd keeps the
/// features its sender enabled, and it serves the sender's faults, in the same process and from another one.
/// </summary>
public sealed class UffdSocketTests
{
    private static readonly int PageSize = Environment.SystemPageSize;

    [Fact]
    public void The_received_uffd_is_the_senders_it_keeps_its_features_and_serves_its_faults()
    {
        (Socket sender, Socket receiver) = Pair();
        using (sender)
        using (receiver)
        {
            using var memory = UffdMemory.MapAnonymous(4L * PageSize);
            using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
            {
                UserModeOnly = UserModeOnlyPolicy.Allow, RequiredFeatures = UffdFeatures.EventRemove, RevokeAccessOnClose = false,
            });
            uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

            byte[] payload = Encoding.UTF8.GetBytes("""[{"base_host_virt_addr":1,"size":2,"offset":0}]""");
            UffdSocket.Send(sender, uffd, payload);
            byte[] buffer = new byte[256];
            int received = UffdSocket.Receive(receiver, buffer, out Userfaultfd? adopted);

            using Userfaultfd served = Assert.IsType<Userfaultfd>(adopted);
            Assert.Equal(payload, buffer.AsSpan(0, received).ToArray());
            Assert.Equal(UffdCreationPath.Received, served.CreationPath);
            Assert.Equal(uffd.EnabledFeatures, served.EnabledFeatures);
            Assert.NotEqual(uffd.Handle.DangerousGetFd(), served.Handle.DangerousGetFd());

            // One uffd behind both descriptors: a fault on memory registered through the sender's is read and served
            // through the received one.
            Faulter<byte> faulter = Faulter.Run(() => GcSafeMemory.ReadByte(memory.Address + 2 * PageSize));
            Assert.Equal(UffdWaitResult.MessagesAvailable, served.WaitForMessages(Bounded.Wait, CancellationToken.None));
            var messages = new UffdMessage[4];
            Assert.Equal(1, served.ReadMessages(messages));
            Assert.Equal(memory.Address + 2 * PageSize, messages[0].PageFault.PageStart(PageSize));
            byte[] page = Enumerable.Repeat((byte)0x5C, PageSize).ToArray();
            Assert.Equal(UffdOutcome.Done, served.Copy(memory.Address + 2 * PageSize, page).Outcome);
            Assert.Equal(0x5C, faulter.Join());
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    [Fact]
    public void A_payload_without_a_descriptor_arrives_with_none_and_an_empty_payload_is_refused()
    {
        (Socket sender, Socket receiver) = Pair();
        using (sender)
        using (receiver)
        {
            sender.Send("rest of a long payload"u8);
            byte[] buffer = new byte[64];
            int received = UffdSocket.Receive(receiver, buffer, out Userfaultfd? uffd);
            Assert.Null(uffd);
            Assert.Equal("rest of a long payload", Encoding.ASCII.GetString(buffer, 0, received));

            using Userfaultfd any = Userfaultfd.Create(new UffdOptions { UserModeOnly = UserModeOnlyPolicy.Allow });
            Assert.Throws<ArgumentException>(() => UffdSocket.Send(sender, any, ReadOnlySpan<byte>.Empty));

            sender.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, UffdSocket.Receive(receiver, buffer, out uffd));
            Assert.Null(uffd);
        }
    }

    [Fact]
    public unsafe void A_descriptor_that_is_not_a_userfaultfd_is_refused_and_closed()
    {
        (Socket sender, Socket receiver) = Pair();
        using (sender)
        using (receiver)
        using (var file = new FileStream("/proc/self/status", FileMode.Open, FileAccess.Read))
        {
            // Sent with the runtime's own sendmsg path, as if it were a uffd: only the receiver can tell.
            SendDescriptor(sender, (int)file.SafeFileHandle.DangerousGetHandle());
            int before = Directory.GetFiles("/proc/self/fd").Length;

            UffdException refused = Assert.Throws<UffdException>(() => UffdSocket.Receive(receiver, new byte[8], out _));

            Assert.Contains("is not a userfaultfd", refused.Message);
            Assert.Equal(before, Directory.GetFiles("/proc/self/fd").Length);
        }
    }

    [Fact]
    public async Task Another_process_memory_is_served_through_the_uffd_it_sends_and_its_reads_see_exactly_the_served_bytes()
    {
        const int Pages = 16;
        string path = Path.Combine(Path.GetTempPath(), $"uffd-socket-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        try
        {
            Task<ChildResult> client = Task.Run(() => Child.Run("Uffd.Runtime.Probe", Privilege.Root, "remote-client", path, Pages.ToString(CultureInfo.InvariantCulture)));
            using Socket connection = await listener.AcceptAsync().WaitAsync(Bounded.Wait);
            byte[] buffer = new byte[128];
            int received = UffdSocket.Receive(connection, buffer, out Userfaultfd? adopted);
            using Userfaultfd uffd = Assert.IsType<Userfaultfd>(adopted);
            string[] mapping = Encoding.ASCII.GetString(buffer, 0, received).Trim().Split(' ');
            nint remoteBase = (nint)long.Parse(mapping[0], CultureInfo.InvariantCulture);
            Assert.Equal((long)Pages * PageSize, long.Parse(mapping[1], CultureInfo.InvariantCulture));

            // The client's pages exist only in the client: each is installed into its address space from here.
            int served = 0;
            var messages = new UffdMessage[16];
            byte[] page = new byte[PageSize];
            DateTime deadline = DateTime.UtcNow + Bounded.Wait;
            while (!client.IsCompleted && DateTime.UtcNow < deadline)
            {
                if (uffd.WaitForMessages(TimeSpan.FromMilliseconds(50), CancellationToken.None) != UffdWaitResult.MessagesAvailable)
                {
                    continue;
                }

                int count = uffd.ReadMessages(messages);
                for (int i = 0; i < count; i++)
                {
                    if (messages[i].Kind != UffdEventKind.PageFault)
                    {
                        continue;
                    }

                    nint at = messages[i].PageFault.PageStart(PageSize);
                    long index = (at - remoteBase) / PageSize;
                    Array.Fill(page, (byte)(index * 7 + 1));
                    UffdResult result = uffd.Copy(at, page);
                    Assert.True(result.Outcome is UffdOutcome.Done or UffdOutcome.AlreadyPresent, $"page {index}: {result}");
                    served++;
                }
            }

            ChildResult result2 = await client;
            Assert.True(result2.ExitCode == 0, result2.ToString());
            Assert.Equal($"verified {Pages} pages", result2.LastLine);
            Assert.Equal(Pages, served);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (Socket Sender, Socket Receiver) Pair()
    {
        string path = Path.Combine(Path.GetTempPath(), $"uffd-pair-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var sender = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        sender.Connect(new UnixDomainSocketEndPoint(path));
        Socket receiver = listener.Accept();
        File.Delete(path);
        return (sender, receiver);
    }

    /// <summary>Sends any descriptor as SCM_RIGHTS with one byte, as the runtime sends a uffd.</summary>
    private static void SendDescriptor(Socket socket, int fd)
    {
        using var wrapper = new Uffd.Interop.FileDescriptorHandle(fd, ownsHandle: false);
        UffdSocket.Send(socket, wrapper, "x"u8);
    }
}
