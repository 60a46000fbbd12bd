using Collections.Shared.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Collections.Shared.Tests.Persistence;

public sealed class DatabaseOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Defaults_to_SQLite_in_the_data_folder()
    {
        var options = DatabaseSetup.ReadOptions(Config());
        Assert.Equal(DatabaseProvider.Sqlite, options.Provider);
        Assert.Equal("Data Source=data/collections.db", options.ConnectionString);
    }

    [Fact]
    public void An_unknown_provider_is_refused_naming_the_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => DatabaseSetup.ReadOptions(Config(("Collections:Database:Provider", "Oracle"))));
        Assert.Contains("Collections:Database:Provider", error.Message);
        Assert.Contains("Oracle", error.Message);
    }

    [Theory]
    [InlineData("Postgres", "Hots=localhost")]
    [InlineData("Postgres", "Database=x")]
    [InlineData("Sqlite", "Data Sorce=x.db")]
    [InlineData("SqlServer", "Database=x")]
    public void A_bad_connection_string_is_refused_naming_the_key(string provider, string connectionString)
    {
        var error = Assert.Throws<OptionsValidationException>(() => DatabaseSetup.ReadOptions(
            Config(("Collections:Database:Provider", provider), ("Collections:Database:ConnectionString", connectionString))));
        Assert.Contains("Collections:Database:ConnectionString", error.Message);
    }

    [Fact]
    public void Postgres_with_a_host_is_accepted()
    {
        var options = DatabaseSetup.ReadOptions(Config(("Collections:Database:Provider", "postgres"), ("Collections:Database:ConnectionString", "Host=127.0.0.1;Database=c")));
        Assert.Equal(DatabaseProvider.Postgres, options.Provider);
    }
}

public sealed class DebtorNameTests
{
    [Theory]
    [InlineData("hu", "Szabó Zoltán")]
    [InlineData("de", "Zoltán Szabó")]
    public void Display_name_follows_the_name_order_of_the_debtor_language(string language, string expected)
    {
        var debtor = new Collections.Shared.Domain.Debtor { Kind = Collections.Shared.Domain.DebtorKind.Consumer, FirstName = "Zoltán", LastName = "Szabó", PreferredLanguage = language };
        Assert.Equal(expected, debtor.DisplayName);
    }
}
