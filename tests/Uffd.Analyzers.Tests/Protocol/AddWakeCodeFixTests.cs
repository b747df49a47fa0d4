using Uffd.Analyzers.CodeFixes.Protocol;
using Uffd.Analyzers.Protocol;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Protocol;

public sealed class AddWakeCodeFixTests
{
    [Fact]
    public Task The_fix_adds_a_wake_for_the_call_range_after_its_statement() =>
        Verify<DontWakeAnalyzer>.CodeFix<AddWakeCodeFixProvider>("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer, long length)
                {
                    var result = {|UFFD0050:uffd.Copy(page, buffer, length, CopyMode.DontWake)|};
                    System.Console.WriteLine(result);
                }
            }
            """, """
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer, long length)
                {
                    var result = uffd.Copy(page, buffer, length, CopyMode.DontWake);
                    uffd.Wake(page, length);
                    System.Console.WriteLine(result);
                }
            }
            """);

    [Fact]
    public Task Fix_all_wakes_every_call_with_its_own_arguments() =>
        Verify<DontWakeAnalyzer>.CodeFix<AddWakeCodeFixProvider>("""
            using System;
            using Uffd;

            public sealed class Handler
            {
                private readonly Userfaultfd uffd = Userfaultfd.Create();

                public void Serve(nint page, ReadOnlySpan<byte> data, long pageSize)
                {
                    _ = {|UFFD0050:this.uffd.Copy(page, data, CopyMode.DontWake | CopyMode.WriteProtect)|};
                    _ = {|UFFD0050:uffd.ZeroPage(page + 4096, pageSize * 2, ZeroPageMode.DontWake)|};
                    if (pageSize > 0)
                        _ = {|UFFD0050:uffd.RemoveWriteProtection(length: pageSize, start: page, wake: false)|};
                }
            }
            """, """
            using System;
            using Uffd;

            public sealed class Handler
            {
                private readonly Userfaultfd uffd = Userfaultfd.Create();

                public void Serve(nint page, ReadOnlySpan<byte> data, long pageSize)
                {
                    _ = this.uffd.Copy(page, data, CopyMode.DontWake | CopyMode.WriteProtect);
                    this.uffd.Wake(page, data.Length);
                    _ = uffd.ZeroPage(page + 4096, pageSize * 2, ZeroPageMode.DontWake);
                    uffd.Wake(page + 4096, pageSize * 2);
                    if (pageSize > 0)
                    {
                        _ = uffd.RemoveWriteProtection(length: pageSize, start: page, wake: false);
                        uffd.Wake(page, pageSize);
                    }
                }
            }
            """);

    [Fact]
    public Task Fix_all_handles_else_if_bodies_and_switch_sections() =>
        Verify<DontWakeAnalyzer>.CodeFix<AddWakeCodeFixProvider>("""
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer, int kind)
                {
                    if (kind == 0)
                        uffd.Wake(page, 4096);
                    else if (kind == 1)
                        _ = {|UFFD0050:uffd.Poison(page, 4096, PoisonMode.DontWake)|};

                    switch (kind)
                    {
                        case 2:
                            _ = {|UFFD0050:uffd.Move(page, buffer, 8192, MoveMode.DontWake)|};
                            break;
                    }
                }
            }
            """, """
            using Uffd;

            public static class Handler
            {
                public static void Serve(Userfaultfd uffd, nint page, nint buffer, int kind)
                {
                    if (kind == 0)
                        uffd.Wake(page, 4096);
                    else if (kind == 1)
                    {
                        _ = uffd.Poison(page, 4096, PoisonMode.DontWake);
                        uffd.Wake(page, 4096);
                    }

                    switch (kind)
                    {
                        case 2:
                            _ = uffd.Move(page, buffer, 8192, MoveMode.DontWake);
                            uffd.Wake(page, 8192);
                            break;
                    }
                }
            }
            """);
}
