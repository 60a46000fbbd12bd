using Collections.Shared.FieldVisits;

namespace Collections.Shared.Tests.FieldVisits;

/// <summary>The day's route: grouped by town and postcode, postcodes in order (numerically where they are numbers), streets
/// by name and house number (VisitRoute's documented postcode ordering).</summary>
public sealed class VisitRouteTests
{
    private static VisitStop Stop(int id, string country, string postcode, string city, string street) =>
        new(new Guid(id, 0, 0, new byte[8]), country, postcode, city, street);

    [Fact]
    public void Stops_are_grouped_by_town_and_postcode_and_groups_follow_in_postcode_order()
    {
        var route = VisitRoute.Order(
        [
            Stop(1, "HU", "1137", "Budapest", "Pozsonyi út 12"),
            Stop(2, "HU", "1051", "Budapest", "Nádor utca 9"),
            Stop(3, "HU", "1137", "Budapest", "Pozsonyi út 3"),
            Stop(4, "DE", "80331", "München", "Marienplatz 1"),
            Stop(5, "DE", "10115", "Berlin", "Invalidenstraße 40"),
            Stop(6, "HU", "1051", "Budapest", "Arany János utca 5"),
            Stop(7, "DE", "9999", "Torgau", "Markt 1"),
        ]);

        // Countries apart; inside one, 9999 before 10115 before 80331 (by value, not as text, where "10115" < "9999").
        Assert.Equal(["DE 9999 Torgau", "DE 10115 Berlin", "DE 80331 München", "HU 1051 Budapest", "HU 1137 Budapest"],
            route.Select(g => $"{g.Country} {g.PostalCode} {g.City}"));
        // Inside a group, by street name, then by house number as a number (3 before 12).
        Assert.Equal(["Arany János utca 5", "Nádor utca 9"], route[3].Stops.Select(s => s.Street));
        Assert.Equal(["Pozsonyi út 3", "Pozsonyi út 12"], route[4].Stops.Select(s => s.Street));
    }

    [Fact]
    public void A_postcode_written_with_spaces_or_a_country_prefix_is_the_same_group_and_sorts_by_its_number()
    {
        var route = VisitRoute.Order(
        [
            Stop(1, "LV", "LV-1050", "Rīga", "Brīvības iela 30"),
            Stop(2, "LV", "LV-1011", "Rīga", "Elizabetes iela 2"),
            Stop(3, "GB", "SW1A 1AA", "London", "10 Downing Street"),
            Stop(4, "GB", "SW1A1AA", "London", "2 Downing Street"),
            Stop(5, "GB", "EC1A 1BB", "London", "1 King Edward Street"),
        ]);

        Assert.Equal(["GB EC1A 1BB", "GB SW1A 1AA", "LV LV-1011", "LV LV-1050"], route.Select(g => $"{g.Country} {g.PostalCode}"));
        // The house number may come first (GB): 2 before 10.
        Assert.Equal(["2 Downing Street", "10 Downing Street"], route[1].Stops.Select(s => s.Street));
    }

    [Fact]
    public void No_stops_is_an_empty_route()
    {
        Assert.Empty(VisitRoute.Order([]));
    }
}
