using NodaTime;

namespace Collections.Shared.Calendars;

/// <summary>A day on which work stops by law in a country: the holiday itself or the day that substitutes for it.</summary>
/// <param name="Date">The calendar date off.</param>
/// <param name="Name">English name; substitute days say "(substitute)".</param>
/// <param name="Substitute">True when the day is off because a holiday fell on a weekend.</param>
public sealed record PublicHoliday(LocalDate Date, string Name, bool Substitute = false);
