namespace Collections.AgentConsole.Infrastructure;

/// <summary>The page a list endpoint is asked for: 1-based, 50 entries unless said otherwise; a bad value is a validation
/// error naming its query parameter.</summary>
internal static class Paging
{
    public static (int Number, int Size) Read(int? page, int? pageSize, int maxPageSize, Dictionary<string, string[]> errors)
    {
        var number = page ?? 1;
        var size = pageSize ?? 50;
        if (number < 1)
        {
            errors["page"] = ["pages start at 1"];
        }

        if (size < 1 || size > maxPageSize)
        {
            errors["pageSize"] = [$"between 1 and {maxPageSize}"];
        }

        return (number, size);
    }
}
