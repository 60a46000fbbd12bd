using System.Globalization;

namespace Collections.Shared.Domain;

/// <summary>An amount of money in one ISO 4217 currency; arithmetic across currencies is refused.</summary>
public readonly record struct Money
{
    public Money(decimal amount, string currency)
    {
        if (!Currencies.IsKnown(currency))
        {
            throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code.", nameof(currency));
        }

        Amount = amount;
        Currency = currency;
    }

    /// <summary>The amount, in units of the currency (not minor units).</summary>
    public decimal Amount { get; }

    /// <summary>The ISO 4217 code, upper case.</summary>
    public string Currency { get; }

    public static Money Zero(string currency) => new(0m, currency);

    public static Money operator +(Money a, Money b) => new(a.Amount + b.Amount, SameCurrency(a, b));

    public static Money operator -(Money a, Money b) => new(a.Amount - b.Amount, SameCurrency(a, b));

    /// <summary>Rounds to the currency's minor unit, half away from zero (the commercial rounding used on statements).</summary>
    public Money Round() => new(Math.Round(Amount, Currencies.MinorUnits(Currency), MidpointRounding.AwayFromZero), Currency);

    /// <summary>Formats the amount in <paramref name="culture"/>'s number format with the currency's symbol or code.</summary>
    public string Format(CultureInfo culture)
    {
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = Currencies.Symbol(Currency);
        format.CurrencyDecimalDigits = Currencies.MinorUnits(Currency);
        return Amount.ToString("C", format);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Amount:0.00} {Currency}");

    private static string SameCurrency(Money a, Money b) => a.Currency == b.Currency
        ? a.Currency
        : throw new InvalidOperationException($"Cannot combine {a.Currency} and {b.Currency}.");
}
