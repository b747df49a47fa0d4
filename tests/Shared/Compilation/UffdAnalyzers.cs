using System;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Uffd.Tests.Shared;

/// <summary>
/// Every analyzer of Uffd.Analyzers, the set a project referencing the package runs: each concrete
/// <see cref="DiagnosticAnalyzer"/> that declares itself with <see cref="DiagnosticAnalyzerAttribute"/>, found by
/// reflection (the assembly by name: its types are internal), so a new analyzer is covered without editing a test.
/// </summary>
internal static class UffdAnalyzers
{
    public static ImmutableArray<DiagnosticAnalyzer> Create() =>
        Assembly.Load("Uffd.Analyzers").GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                && type.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), inherit: false).Length > 0)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();
}
