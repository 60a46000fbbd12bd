using System.Globalization;
using System.Text;

namespace Collections.Benchmarks.Import;

/// <summary>Writes a deterministic account CSV of any size: six countries, valid numbers of each, invoices,
/// and one row in a hundred deliberately bad (so the error path is part of the measurement).</summary>
public static class PortfolioGenerator
{
    private static readonly (string Country, string Lang, string Currency, string Creditor, string PhonePrefix, int Digits, string City, string Postal)[] Countries =
    [
        ("DE", "de", "EUR", "TELCO-DE", "+49151", 8, "Berlin", "10115"),
        ("HU", "hu", "HUF", "UTIL-HU", "+3630", 7, "Budapest", "1132"),
        ("LV", "lv", "EUR", "CREDIT-LV", "+3712", 7, "Rīga", "LV-1010"),
        ("SI", "sl", "EUR", "WHOLESALE-SI", "+3861", 7, "Ljubljana", "1000"),
        ("AL", "sq", "ALL", "HEALTH-AL", "+35569", 7, "Tiranë", "1001"),
        ("GB", "en", "GBP", "RETAIL-GB", "+447911", 6, "London", "SW1A 1AA"),
    ];

    public static void Write(string path, int rows, int seed = 42)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("creditor,account_ref,debtor_type,first_name,last_name,company_name,language,phone,phone_consent,street,postal_code,city,country,industry,currency,principal,interest,fees,due_date,invoices\n");
        var line = new StringBuilder(256);
        for (var i = 0; i < rows; i++)
        {
            var c = Countries[i % Countries.Length];
            var business = i % 7 == 0;
            var principal = Math.Round((decimal)(random.NextDouble() * 5000 + 10), 2);
            var due = new DateOnly(2025, 1, 1).AddDays(random.Next(600));
            var phone = c.PhonePrefix + random.NextInt64((long)Math.Pow(10, c.Digits - 1), (long)Math.Pow(10, c.Digits)).ToString(CultureInfo.InvariantCulture);
            var bad = i % 100 == 99;
            line.Clear();
            line.Append(c.Creditor).Append(",ACC-").Append(i.ToString("D8", CultureInfo.InvariantCulture)).Append(',')
                .Append(business ? "business,,," : "consumer,Name").Append(business ? "" : $"{i % 997},Family{i % 1999},")
                .Append(business ? $"Company {i} Ltd" : "").Append(',').Append(c.Lang).Append(',')
                .Append(bad ? "+49 30" : phone).Append(',').Append(i % 3 == 0 ? "yes" : "no").Append(',')
                .Append("Street ").Append(i % 500).Append(',').Append(c.Postal).Append(',').Append(c.City).Append(',').Append(c.Country).Append(',')
                .Append(business ? "b2b-trade-credit" : "telecom").Append(',').Append(c.Currency).Append(',')
                .Append(principal.ToString(CultureInfo.InvariantCulture)).Append(",0,5.00,")
                .Append(due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(",INV-").Append(i).Append('|')
                .Append(due.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('|')
                .Append(due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('|').Append(principal.ToString(CultureInfo.InvariantCulture)).Append('\n');
            writer.Write(line);
        }
    }
}
