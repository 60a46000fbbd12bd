using System.Collections;
using System.Globalization;
using System.Reflection;
using Collections.Shared.Demo;

namespace Collections.Shared.Tests.Demo;

/// <summary>Writes every public property of a demo data set, ids included, as text, so two sets can be compared line by line.</summary>
internal static class DemoDataDump
{
    public static IReadOnlyList<string> Lines(DemoData data)
    {
        var lines = new List<string>();
        foreach (var property in typeof(DemoData).GetProperties())
        {
            var items = (IEnumerable)property.GetValue(data)!;
            var index = 0;
            foreach (var item in items)
            {
                Write(lines, $"{property.Name}[{index++}]", item, depth: 0);
            }
        }

        return lines;
    }

    private static void Write(List<string> lines, string path, object? value, int depth)
    {
        switch (value)
        {
            case null:
                lines.Add($"{path}=<null>");
                return;
            case string or Enum or bool or IFormattable when value is string || value.GetType().IsValueType:
                lines.Add($"{path}={Convert.ToString(value, CultureInfo.InvariantCulture)}");
                return;
            case IEnumerable sequence:
                var i = 0;
                foreach (var item in sequence)
                {
                    Write(lines, $"{path}[{i++}]", item, depth + 1);
                }

                return;
        }

        var type = value.GetType();
        if (depth > 4 || (type.IsValueType && type.Namespace?.StartsWith("Collections", StringComparison.Ordinal) == true))
        {
            // Typed ids and Money: their ToString is their value.
            lines.Add($"{path}={Convert.ToString(value, CultureInfo.InvariantCulture)}");
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            Write(lines, $"{path}.{property.Name}", property.GetValue(value), depth + 1);
        }
    }
}
