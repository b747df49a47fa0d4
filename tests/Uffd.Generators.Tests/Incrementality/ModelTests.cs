using System.Reflection;
using Microsoft.CodeAnalysis;
using Uffd.Generators.Helpers;
using Uffd.Generators.Model;
using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.Incrementality;

/// <summary>The model is what makes caching work: equal for equal declarations, and free of compilation objects.</summary>
public sealed class ModelTests
{
    private const string Source = """
        using System;
        using Uffd;

        namespace Demo
        {
            public partial class Outer
            {
                [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 8, ReadAhead = 2)]
                public partial class Region
                {
                    [PageProvider]
                    private PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Filled;

                    [WriteHandler]
                    private static void OnWrite(long pageIndex) { }
                }
            }
        }
        """;

    [Fact]
    public void TwoParsesOfTheSameSourceGiveEqualModels()
    {
        RegionSpec first = ParseOnce();
        RegionSpec second = ParseOnce();

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.Equal("Outer", Assert.Single(first.Type.ContainingTypes).Name);
    }

    [Fact]
    public void ADifferentOptionGivesADifferentModel()
    {
        RegionSpec first = ParseOnce();
        RegionSpec changed = ParseOnce(Source.Replace("ReadAhead = 2", "ReadAhead = 3", StringComparison.Ordinal));

        Assert.NotEqual(first, changed);
        Assert.Equal(first with { Settings = first.Settings with { ReadAhead = 3 } }, changed);
    }

    [Fact]
    public void ModelTypesHoldOnlyPlainValues()
    {
        Type[] forbidden = { typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel), typeof(Location) };
        Type[] modelTypes = typeof(RegionSpec).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(RegionSpec).Namespace && !t.IsNested)
            .ToArray();
        Assert.Contains(typeof(TypeHierarchySpec), modelTypes);

        var seen = new HashSet<Type>();
        foreach (Type type in modelTypes)
        {
            Check(type, type.Name);
        }

        void Check(Type type, string path)
        {
            if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string))
            {
                return;
            }

            Assert.False(forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} is a {type}");
            Assert.True(
                type.Namespace == typeof(RegionSpec).Namespace
                || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
                || Nullable.GetUnderlyingType(type) is not null,
                $"{path} has type {type}, which is neither a plain value nor a model type");
            foreach (Type argument in type.GetGenericArguments())
            {
                Check(argument, path + "<" + argument.Name + ">");
            }

            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                Check(field.FieldType.IsArray ? field.FieldType.GetElementType()! : field.FieldType, path + "." + field.Name);
            }
        }
    }

    private static RegionSpec ParseOnce(string source = Source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        return (RegionSpec)run.Result.TrackedSteps[TrackingNames.ValidRegions].SelectMany(s => s.Outputs).Single().Value;
    }
}
