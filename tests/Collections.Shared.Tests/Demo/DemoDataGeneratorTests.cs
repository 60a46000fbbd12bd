using Collections.Shared.Demo;
using Collections.Shared.Domain;
using NodaTime;
using PhoneNumbers;
using PhoneNumber = Collections.Shared.Domain.PhoneNumber;

namespace Collections.Shared.Tests.Demo;

public sealed class DemoDataGeneratorTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 26, 10, 30, 15);
    private static readonly DemoData Data = DemoDataGenerator.Generate(Now);
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    private static readonly Dictionary<string, (string Language, string[] Zones)> CountryLanguage = new()
    {
        ["AL"] = ("sq", ["Europe/Tirane"]),
        ["LV"] = ("lv", ["Europe/Riga"]),
        ["DE"] = ("de", ["Europe/Berlin"]),
        ["SI"] = ("sl", ["Europe/Ljubljana"]),
        ["HU"] = ("hu", ["Europe/Budapest"]),
        ["GB"] = ("en", ["Europe/London"]),
        ["US"] = ("en", ["America/New_York", "America/Chicago"]),
    };

    // The letters of each language's alphabet (lower case); a person's name must use only these.
    private static readonly Dictionary<string, string> Alphabets = new()
    {
        ["sq"] = "abcçdeëfghijklmnopqrstuvxyz",
        ["lv"] = "aābcčdeēfgģhiījkķlļmnņoprsštuūvzž",
        ["de"] = "abcdefghijklmnopqrstuvwxyzäöüß",
        ["sl"] = "abcčdefghijklmnoprsštuvzž",
        ["hu"] = "aábcdeéfghiíjklmnoóöőpqrstuúüűvwxyz",
        ["en"] = "abcdefghijklmnopqrstuvwxyz",
    };

    // Letters only that language (of the six) has or that are typical of it: at least one must appear in its names.
    private static readonly Dictionary<string, string> Diacritics = new()
    {
        ["sq"] = "çë",
        ["lv"] = "āēīūčģķļņšž",
        ["de"] = "äöüß",
        ["sl"] = "čšž",
        ["hu"] = "áéíóöőúüű",
    };

    [Fact]
    public void Generate_SameSeedAndTime_GivesIdenticalDataIncludingIds()
    {
        var first = DemoDataDump.Lines(DemoDataGenerator.Generate(Now, seed: 7));
        var second = DemoDataDump.Lines(DemoDataGenerator.Generate(Now, seed: 7));

        Assert.True(first.Count > 1000, $"the dump covers the data set ({first.Count} lines)");
        Assert.Contains(first, l => l.StartsWith("Debtors[0].Id=", StringComparison.Ordinal));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_DefaultSeed_KeepsItsIdsAcrossMachinesAndReleases()
    {
        // Ids come from a seeded System.Random, whose seeded sequence .NET keeps stable; a link to a demo
        // creditor or debtor stays valid on every machine.
        var data = DemoDataGenerator.Generate(Now);

        Assert.Equal(Guid.Parse("290574ff-7a14-442d-82eb-2326d37c56f8"), data.Creditors[0].Id.Value);
        Assert.Equal("TELCO-DE", data.Creditors[0].Code);
    }

    [Fact]
    public void Generate_OtherSeed_GivesOtherIdsAndPeople()
    {
        var a = DemoDataGenerator.Generate(Now, seed: 7);
        var b = DemoDataGenerator.Generate(Now, seed: 8);

        Assert.Empty(a.Debtors.Select(d => d.Id).Intersect(b.Debtors.Select(d => d.Id)));
        Assert.NotEqual(a.Debtors.Select(d => d.DisplayName), b.Debtors.Select(d => d.DisplayName));
    }

    [Fact]
    public void Generate_Ids_AreUniqueVersion4GuidsAcrossTheWholeSet()
    {
        var ids = DemoDataDump.Lines(Data)
            // CurrentAddress repeats one of Addresses.
            .Where(l => l.Split('=')[0].EndsWith(".Id", StringComparison.Ordinal) && !l.Contains(".CurrentAddress.", StringComparison.Ordinal))
            .Select(l => Guid.Parse(l.Split('=')[1]))
            .ToList();

        Assert.True(ids.Count > 500);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(4, id.Version));
    }

    [Fact]
    public void Generate_DefaultSize_IsAboutSixtyDebtorsEachWithOneAccountAndCase()
    {
        Assert.Equal(DemoDataGenerator.DefaultDebtorCount, Data.Debtors.Count);
        Assert.Equal(Data.Debtors.Count, Data.Accounts.Count);
        Assert.Equal(Data.Accounts.Select(a => a.Id.Value).Order(), Data.Cases.Select(c => c.AccountId.Value).Order());
        Assert.Equal(Data.Debtors.Select(d => d.Id.Value).Order(), Data.Accounts.Select(a => a.DebtorId.Value).Order());
    }

    [Theory]
    [InlineData(7)]
    [InlineData(21)]
    [InlineData(250)]
    public void Generate_SizeIsConfigurable(int debtors)
    {
        var data = DemoDataGenerator.Generate(Now, seed: 3, debtorCount: debtors);

        Assert.Equal(debtors, data.Debtors.Count);
        Assert.Equal(debtors, data.Accounts.Count);
        Assert.Equal(7, data.Creditors.Count);
        Assert.Equal(DemoDataGenerator.Languages.Order(), data.Debtors.Select(d => d.PreferredLanguage).Distinct().Order());
    }

    [Fact]
    public void Generate_TooFewOrTooManyDebtors_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoDataGenerator.Generate(Now, debtorCount: 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoDataGenerator.Generate(Now, debtorCount: DemoDataGenerator.MaxDebtorCount + 1));
    }

    [Theory]
    [InlineData(7, 60)]
    [InlineData(11, 400)]
    public void PhoneNumbers_AreValidForTheirRegion_InE164_OfTheStatedKind(int seed, int debtors)
    {
        var data = DemoDataGenerator.Generate(Now, seed, debtors);
        var numbers = data.Debtors.SelectMany(d => d.Phones.Select(p => (Debtor: d, Phone: p))).ToList();

        Assert.All(numbers, n =>
        {
            var parsed = Phones.Parse(n.Phone.E164, null);
            Assert.True(Phones.IsValidNumberForRegion(parsed, n.Phone.Region), $"{n.Phone.E164} is not valid for {n.Phone.Region}");
            Assert.Equal(n.Phone.E164, Phones.Format(parsed, PhoneNumberFormat.E164));
            Assert.Equal(n.Phone.Region, Phones.GetRegionCodeForNumber(parsed));
            Assert.Equal(n.Debtor.CurrentAddress!.Country, n.Phone.Region);
            Assert.Equal(n.Debtor.Id, n.Phone.DebtorId);
            var type = Phones.GetNumberType(parsed);
            var expected = n.Phone.Kind switch
            {
                PhoneKind.Mobile => PhoneNumberType.MOBILE,
                PhoneKind.Landline => PhoneNumberType.FIXED_LINE,
                _ => throw new InvalidOperationException($"{n.Phone.E164} has kind {n.Phone.Kind}"),
            };
            // NANP numbers do not tell mobile from fixed line.
            Assert.True(type == expected || (n.Phone.Region == "US" && type == PhoneNumberType.FIXED_LINE_OR_MOBILE), $"{n.Phone.E164} is {type}, stored as {n.Phone.Kind}");
        });
        Assert.Equal(numbers.Count, numbers.Select(n => n.Phone.E164).Distinct().Count());
    }

    [Fact]
    public void PhoneNumbers_EveryRegionHasMobilesAndLandlines_ExceptGreatBritain()
    {
        var byRegion = Data.Debtors.SelectMany(d => d.Phones).GroupBy(p => p.Region).ToDictionary(g => g.Key, g => g.Select(p => p.Kind).ToHashSet());

        Assert.Equal(CountryLanguage.Keys.Order(), byRegion.Keys.Order());
        foreach (var (region, kinds) in byRegion)
        {
            if (region == "GB")
            {
                Assert.Equal([PhoneKind.Landline], kinds);
            }
            else
            {
                Assert.Contains(PhoneKind.Mobile, kinds);
                Assert.Contains(PhoneKind.Landline, kinds);
            }
        }
    }

    [Fact]
    public void PhoneNumbers_InGreatBritainAndTheUs_AreInTheRangesReservedForFiction()
    {
        string[] ofcomDrama = ["+442079460", "+441134960", "+441614960", "+441214960", "+441314960", "+442890180"];
        var phones = Data.Debtors.SelectMany(d => d.Phones).ToList();

        Assert.All(phones.Where(p => p.Region == "GB"), p => Assert.Contains(ofcomDrama, prefix => p.E164.StartsWith(prefix, StringComparison.Ordinal)));
        // NANPA: 555-0100 to 555-0199 are fictional in every area code.
        Assert.All(phones.Where(p => p.Region == "US"), p => Assert.Matches(@"^\+1[2-9]\d\d55501\d\d$", p.E164));
    }

    [Fact]
    public void OfcomDramaMobileRange_IsNotValidInLibphonenumber_WhichIsWhyGbDebtorsHaveLandlinesOnly()
    {
        var drama = Phones.Parse("+447700900123", null);

        Assert.False(Phones.IsValidNumber(drama));
    }

    [Fact]
    public void Debtors_SpeakTheLanguageOfTheirCountry_InItsTimeZone()
    {
        Assert.All(Data.Debtors, d =>
        {
            var address = d.CurrentAddress!;
            var (language, zones) = CountryLanguage[address.Country];
            Assert.Equal(language, d.PreferredLanguage);
            Assert.Contains(d.TimeZoneId, zones);
            Assert.NotNull(DateTimeZoneProviders.Tzdb.GetZoneOrNull(d.TimeZoneId!));
            Assert.All(d.Addresses, a => Assert.Equal(address.Country, a.Country));
        });
        Assert.Equal(CountryLanguage.Keys.Order(), Data.Debtors.Select(d => d.CurrentAddress!.Country).Distinct().Order());
        Assert.Equal(DemoDataGenerator.Languages.Order(), Data.Debtors.Select(d => d.PreferredLanguage).Distinct().Order());
        Assert.Contains(Data.Debtors, d => d.TimeZoneId == "America/New_York");
        Assert.Contains(Data.Debtors, d => d.TimeZoneId == "America/Chicago");
    }

    [Fact]
    public void PersonNames_UseTheirLanguagesAlphabet_WithItsDiacritics()
    {
        // Consumers and sole traders (Slovene "s.p."), who trade under their own name.
        var persons = Data.Debtors.Where(d => d.Kind == DebtorKind.Consumer || d.FirstName is not null).ToList();

        Assert.All(persons, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.FirstName));
            Assert.False(string.IsNullOrWhiteSpace(d.LastName));
            var letters = (d.FirstName + d.LastName).ToLowerInvariant().Where(char.IsLetter);
            Assert.All(letters, c => Assert.Contains(c, Alphabets[d.PreferredLanguage]));
        });
        foreach (var (language, marks) in Diacritics)
        {
            var names = string.Concat(persons.Where(d => d.PreferredLanguage == language).Select(d => d.FirstName + d.LastName)).ToLowerInvariant();
            Assert.True(names.IndexOfAny(marks.ToCharArray()) >= 0, $"no {language} diacritic in '{names}'");
        }
    }

    [Fact]
    public void LatvianFamilyNames_AgreeWithTheFirstNamesGender()
    {
        string[] feminineFirst = ["Elīna", "Anna", "Ilze", "Līga", "Inese", "Kristīne", "Dace", "Zane", "Laura", "Māra", "Sanita", "Ieva"];
        var latvians = Data.Debtors.Where(d => d.Kind == DebtorKind.Consumer && d.PreferredLanguage == "lv").ToList();

        Assert.NotEmpty(latvians);
        Assert.All(latvians, d =>
        {
            var feminine = feminineFirst.Contains(d.FirstName);
            // Feminine Latvian family names end in -a or -e; masculine ones in -s, -š or -is.
            Assert.Equal(feminine, d.LastName!.EndsWith('a') || d.LastName.EndsWith('e'));
        });
    }

    [Fact]
    public void Businesses_CarryTheLegalFormOfTheirCountry()
    {
        var forms = new Dictionary<string, string[]>
        {
            ["DE"] = ["GmbH"], ["HU"] = ["Kft.", "Bt."], ["LV"] = ["SIA"], ["SI"] = ["d.o.o.", "s.p."],
            ["AL"] = ["sh.p.k."], ["GB"] = ["Ltd"], ["US"] = ["LLC"],
        };
        var businesses = Data.Debtors.Where(d => d.Kind == DebtorKind.Business).ToList();

        Assert.Equal(forms.Keys.Order(), businesses.Select(b => b.CurrentAddress!.Country).Distinct().Order());
        Assert.All(businesses, b =>
        {
            Assert.Contains(forms[b.CurrentAddress!.Country], form => b.CompanyName!.Contains(form, StringComparison.Ordinal));
            Assert.Equal(b.CompanyName, b.DisplayName);
        });
        Assert.Contains(Data.Debtors, d => d.Kind == DebtorKind.Consumer);
    }

    [Fact]
    public void Addresses_UseEachCountrysPostalCodeFormat()
    {
        var formats = new Dictionary<string, string>
        {
            ["DE"] = @"^\d{5}$", ["HU"] = @"^\d{4}$", ["SI"] = @"^\d{4}$", ["AL"] = @"^\d{4}$", ["LV"] = @"^LV-\d{4}$",
            ["GB"] = @"^[A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}$", ["US"] = @"^\d{5}$",
        };

        Assert.All(Data.Debtors.SelectMany(d => d.Addresses), a =>
        {
            Assert.Matches(formats[a.Country], a.PostalCode);
            Assert.False(string.IsNullOrWhiteSpace(a.Street));
            Assert.False(string.IsNullOrWhiteSpace(a.City));
        });
        Assert.All(Data.Debtors.SelectMany(d => d.Addresses).Where(a => a.Country == "US"), a => Assert.Matches(@", (NY|IL)$", a.City));
        Assert.All(Data.Debtors, d => Assert.Single(d.Addresses, a => a.ValidUntil is null));
        Assert.Contains(Data.Debtors, d => d.Addresses.Count >= 3);
    }

    [Fact]
    public void Emails_UseReservedExampleDomains()
    {
        var emails = Data.Debtors.Select(d => d.Email).OfType<string>().ToList();

        Assert.NotEmpty(emails);
        Assert.All(emails, e => Assert.Matches(@"^[a-z0-9.\-]+@([a-z0-9\-]+\.example|example\.(com|net|org))$", e));
        Assert.Equal(emails.Count, emails.Distinct().Count());
    }

    [Fact]
    public void Amounts_AreInTheCreditorsKnownCurrency_AndAddUp()
    {
        var creditorById = Data.Creditors.ToDictionary(c => c.Id);
        var currencyOf = new Dictionary<string, string> { ["DE"] = "EUR", ["HU"] = "HUF", ["LV"] = "EUR", ["SI"] = "EUR", ["AL"] = "ALL", ["GB"] = "GBP", ["US"] = "USD" };

        Assert.All(Data.Accounts, a =>
        {
            Assert.True(Currencies.IsKnown(a.Currency));
            Assert.Equal(currencyOf[creditorById[a.CreditorId].Country], a.Currency);
            Assert.NotEmpty(a.Invoices);
            Assert.All(a.Invoices, i => Assert.True(i.Amount > 0));
            Assert.Equal(a.Principal, a.Invoices.Sum(i => i.Amount));
            Assert.True(a.Interest >= 0 && a.Fees >= 0 && a.Paid >= 0);
            Assert.True(a.Balance.Amount >= 0);
            Assert.Equal(a.Paid, Data.Payments.Where(p => p.AccountId == a.Id).Sum(p => p.Amount));
            if (a.Currency is "HUF" or "ALL")
            {
                Assert.Equal(decimal.Truncate(a.Principal), a.Principal);
            }
        });
        Assert.Equal(["ALL", "EUR", "GBP", "HUF", "USD"], Data.Accounts.Select(a => a.Currency).Distinct().Order());
        Assert.All(Data.Promises, p => Assert.True(Currencies.IsKnown(p.Currency)));
        Assert.All(Data.InstalmentPlans, p => Assert.True(Currencies.IsKnown(p.Currency)));
        Assert.All(Data.Payments, p =>
        {
            Assert.True(Currencies.IsKnown(p.Currency));
            Assert.True(p.Amount > 0);
            if (p.AccountId is not null)
            {
                Assert.Equal(p.Amount, p.AllocatedFees + p.AllocatedInterest + p.AllocatedPrincipal);
            }
        });
    }

    [Fact]
    public void DueDates_AreInThePast_SpreadFiveToFourHundredDays()
    {
        var daysPastDue = Data.Accounts.Select(a =>
        {
            var zone = DateTimeZoneProviders.Tzdb[Data.Debtors.Single(d => d.Id == a.DebtorId).TimeZoneId!];
            return Period.Between(a.DueDate, Now.InZone(zone).Date, PeriodUnits.Days).Days;
        }).ToList();

        Assert.All(daysPastDue, d => Assert.InRange(d, 5, 400));
        Assert.Contains(daysPastDue, d => d < 30);
        Assert.Contains(daysPastDue, d => d is > 100 and < 300);
        Assert.Contains(daysPastDue, d => d > 360);
        Assert.All(Data.Accounts.SelectMany(a => a.Invoices), i => Assert.True(i.IssuedOn < i.DueOn));
    }

    [Fact]
    public void RecordedTimes_AreNotInTheFuture_AndFollowEachOther()
    {
        Instant?[] recorded =
        [
            .. Data.Portfolios.Select(p => (Instant?)p.CreatedAt),
            .. Data.Accounts.SelectMany(a => new Instant?[] { a.CreatedAt, a.UpdatedAt }),
            .. Data.Cases.Select(c => (Instant?)c.OpenedAt),
            .. Data.Cases.Select(c => c.ClosedAt),
            .. Data.Debtors.SelectMany(d => d.Addresses).Select(a => (Instant?)a.ValidFrom),
            .. Data.Debtors.SelectMany(d => d.Phones).Select(p => p.ConsentAt),
            .. Data.Promises.Select(p => (Instant?)p.CreatedAt),
            .. Data.InstalmentPlans.Select(p => (Instant?)p.CreatedAt),
            .. Data.Payments.Select(p => (Instant?)p.RecordedAt),
            .. Data.Holds.Select(h => (Instant?)h.From),
            .. Data.OptOuts.Select(o => (Instant?)o.At),
            .. Data.Dispositions.Select(d => (Instant?)d.At),
            .. Data.Campaigns.Select(c => (Instant?)c.CreatedAt),
        ];

        Assert.All(recorded.OfType<Instant>(), at => Assert.True(at <= Now, $"{at} is after {Now}"));
        Assert.All(Data.Accounts, a => Assert.True(a.CreatedAt <= a.UpdatedAt));
        Assert.All(Data.Debtors.SelectMany(d => d.Addresses).Where(a => a.ValidUntil is not null), a => Assert.True(a.ValidFrom < a.ValidUntil));
        // Nothing happens on a claim before the agency received it.
        var handedOver = Data.Accounts.ToDictionary(a => a.Id, a => a.CreatedAt);
        Assert.All(Data.Payments.Where(p => p.AccountId is not null), p => Assert.True(handedOver[p.AccountId!.Value] <= p.RecordedAt));
        Assert.All(Data.ContactAttempts, a => Assert.True(handedOver[a.AccountId] <= a.StartedAt));
        Assert.All(Data.Promises, p => Assert.True(handedOver[p.AccountId] <= p.CreatedAt));
        Assert.All(Data.InstalmentPlans, p => Assert.True(handedOver[p.AccountId] <= p.CreatedAt));
        Assert.All(Data.Holds, h => Assert.True(handedOver[h.AccountId] <= h.From));
    }

    [Fact]
    public void Cases_StandInVariousPhases()
    {
        var phases = Data.Cases.Select(c => c.Phase).Distinct().ToList();

        Assert.True(phases.Count >= 7, string.Join(", ", phases));
        Assert.Contains(CasePhase.PaymentArrangement, phases);
        Assert.Contains(CasePhase.Closed, phases);
        Assert.All(Data.Cases.Where(c => c.Phase == CasePhase.Closed), c => Assert.Equal(0m, Data.Accounts.Single(a => a.Id == c.AccountId).Balance.Amount));
        Assert.Contains(Data.Cases, c => c.RiskFlags?.Contains("new-bank-details", StringComparison.Ordinal) == true);
        Assert.Contains(Data.Cases, c => c.RiskFlags?.Contains("payment-method-change", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Promises_ArePendingKeptAndBroken_WithTheMoneyReceivedToMatch()
    {
        var statuses = Data.Promises.Select(p => p.Status).ToHashSet();

        Assert.Superset(new HashSet<PromiseStatus> { PromiseStatus.Pending, PromiseStatus.Kept, PromiseStatus.Broken }, statuses);
        var today = Now.InUtc().Date;
        Assert.All(Data.Promises, p =>
        {
            Assert.NotNull(p.AgentId);
            Assert.Contains(Data.Dispositions, d => d.AccountId == p.AccountId && d.Code == DispositionCode.PromiseToPay);
            switch (p.Status)
            {
                case PromiseStatus.Pending:
                    Assert.True(p.DueDate > today.PlusDays(-1));
                    Assert.Equal(0m, p.AmountReceived);
                    break;
                case PromiseStatus.Kept:
                    Assert.Equal(p.Amount, p.AmountReceived);
                    Assert.True(p.DueDate < today);
                    break;
                case PromiseStatus.Broken:
                    Assert.Equal(0m, p.AmountReceived);
                    Assert.True(p.DueDate < today);
                    break;
            }
        });
    }

    [Fact]
    public void InstalmentPlans_KeepWithinTheCreditorsPolicy()
    {
        var creditorOf = Data.Accounts.ToDictionary(a => a.Id, a => Data.Creditors.Single(c => c.Id == a.CreditorId));

        Assert.InRange(Data.InstalmentPlans.Count, 1, 2);
        Assert.All(Data.InstalmentPlans, plan =>
        {
            var policy = creditorOf[plan.AccountId].Policy;
            Assert.InRange(plan.Instalments.Count, 2, policy.MaxInstalments);
            Assert.All(plan.Instalments, i => Assert.True(i.Amount >= policy.MinInstalment, $"{i.Amount} < {policy.MinInstalment}"));
            Assert.Equal(plan.Total, plan.DownPayment + plan.Instalments.Sum(i => i.Amount));
            Assert.Equal(Enumerable.Range(1, plan.Instalments.Count), plan.Instalments.Select(i => i.Number));
            Assert.Contains(plan.Instalments, i => i.Status == InstalmentStatus.Paid);
            Assert.Contains(plan.Instalments, i => i.Status == InstalmentStatus.Due);
        });
        Assert.Contains(Data.InstalmentPlans.SelectMany(p => p.Instalments), i => i.Status == InstalmentStatus.Missed);
    }

    [Fact]
    public void HoldsOptOutsAndConsent_ArePresent()
    {
        var dispute = Assert.Single(Data.Holds, h => h.Kind == HoldKind.Dispute);
        Assert.True(dispute.IsActiveAt(Now));
        Assert.Contains(Data.Dispositions, d => d.AccountId == dispute.AccountId && d.Code == DispositionCode.Dispute);

        var sms = Assert.Single(Data.OptOuts, o => o.Channel == ContactChannel.Sms);
        Assert.Equal("sms:STOP", sms.Source);
        Assert.Contains(Data.Debtors.Single(d => d.Id == sms.DebtorId).Phones, p => p.E164 == sms.Address && p.Kind == PhoneKind.Mobile);
        var cease = Assert.Single(Data.OptOuts, o => o.Channel is null);
        Assert.Equal("US", Data.Debtors.Single(d => d.Id == cease.DebtorId).CurrentAddress!.Country);

        var phones = Data.Debtors.SelectMany(d => d.Phones).ToList();
        Assert.Contains(phones, p => p.AutodialConsent);
        Assert.Contains(phones, p => !p.AutodialConsent);
        Assert.All(phones.Where(p => p.AutodialConsent), p =>
        {
            Assert.False(string.IsNullOrEmpty(p.ConsentSource));
            Assert.True(p.ConsentAt < Now);
        });
        Assert.Contains(Data.Debtors, d => d.Vulnerable);
    }

    [Fact]
    public void ContactHistory_IsInThePast_WithinCallingHours_AndSparesHeldOrOptedOutDebtors()
    {
        var debtors = Data.Debtors.ToDictionary(d => d.Id);
        var held = Data.Holds.Select(h => (h.AccountId, h.From)).ToList();
        var ceased = Data.OptOuts.Where(o => o.Channel is null).ToList();

        Assert.NotEmpty(Data.ContactAttempts);
        Assert.All(Data.ContactAttempts, a =>
        {
            Assert.True(a.StartedAt < Now && a.EndedAt <= Now);
            var local = a.StartedAt.InZone(DateTimeZoneProviders.Tzdb[debtors[a.DebtorId].TimeZoneId!]);
            Assert.InRange(local.Hour, 9, 19);
            Assert.DoesNotContain(local.DayOfWeek, new[] { IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday });
            Assert.DoesNotContain(held, h => h.AccountId == a.AccountId && a.StartedAt > h.From);
            Assert.DoesNotContain(ceased, o => o.DebtorId == a.DebtorId && a.StartedAt > o.At);
        });
        Assert.All(Data.Dispositions, d => Assert.Contains(Data.ContactAttempts, a => a.Id == d.ContactAttemptId));
    }

    [Fact]
    public void PayerAccounts_AreValidIbans()
    {
        var ibans = Data.Payments.Select(p => p.PayerAccount).OfType<string>().ToList();

        Assert.NotEmpty(ibans);
        Assert.All(ibans, i => Assert.True(DemoIban.IsValid(i), i));
        Assert.All(ibans.Where(i => i.StartsWith("SI", StringComparison.Ordinal)), i => Assert.StartsWith("SI56", i));
        Assert.Contains(Data.Payments, p => p.AccountId is null);
    }

    [Fact]
    public void Cases_in_a_phone_phase_are_due_now_so_the_demo_campaigns_have_calls_to_place()
    {
        var phone = Data.Cases.Where(c => c.Phase is CasePhase.PhoneAndMessages or CasePhase.SecondReminder or CasePhase.FinalDemand).ToList();
        var due = phone.Count(c => c.NextStepDueAt <= Now && c.NextStepDueAt >= Now - NodaTime.Duration.FromHours(48));

        // The scenarios (promises, callbacks, disputes, vulnerability) set their own dates; every other one is due now.
        Assert.True(due >= phone.Count * 2 / 3, $"{due} of {phone.Count} phone-phase cases due now");
    }

    [Fact]
    public void The_calls_due_are_queued_for_a_running_campaign_of_their_queue_as_the_workflow_would_queue_them()
    {
        var calls = Data.ScheduledContacts;
        Assert.All(calls, c => Assert.Equal((ContactChannel.Call, Collections.Shared.Workflow.ScheduledContactStatus.Queued), (c.Channel, c.Status)));
        Assert.All(calls, c => Assert.Contains(Data.Campaigns, k => k.Status == CampaignStatus.Running && k.Queue == c.Campaign));
        Assert.Equal(calls.Count, calls.Select(c => c.IdempotencyKey).Distinct().Count());

        // Every phone-phase case due now has its strategy call queued, so the demo dials from the first minute; a broken
        // promise's call is its follow-up.
        var broken = Data.Promises.Where(p => p.Status == PromiseStatus.Broken).Select(p => p.AccountId).ToHashSet();
        var phone = Data.Cases.Where(c => c.Phase is CasePhase.PhoneAndMessages or CasePhase.SecondReminder or CasePhase.FinalDemand
            && c.NextStepDueAt <= Now && c.NextStep is "call" or "second-reminder" or "final-demand" && !broken.Contains(c.AccountId)).ToList();
        Assert.NotEmpty(phone);
        Assert.All(phone, c => Assert.Contains(calls, q => q.CaseId == c.Id && q.Campaign == Campaign.DefaultQueue && q.DueAt == c.NextStepDueAt));
        Assert.Contains(calls, c => c.Campaign == "follow-up-calls" && c.Purpose == ContactPurpose.PromiseFollowUp && broken.Contains(c.AccountId));

        // The callback an operator agreed is theirs for a while; the reminder before an instalment expires when it falls due.
        var callback = Assert.Single(calls, c => c.Purpose == ContactPurpose.Callback);
        var agreed = Data.Dispositions.Single(d => d.AccountId == callback.AccountId && d.Code == DispositionCode.Callback);
        Assert.Equal(("callbacks", agreed.AgentId, agreed.CallbackAt), (callback.Campaign, callback.AgentId, (NodaTime.Instant?)callback.DueAt));
        Assert.True(callback.AgentOnlyUntil > callback.DueAt);
        var reminders = calls.Where(c => c.Purpose == ContactPurpose.PreInstalment).ToList();
        Assert.NotEmpty(reminders);
        Assert.All(reminders, r => Assert.True(r.Campaign == "instalment-reminders" && r.ExpiresAt > r.DueAt, r.Reason));

        // A pending promise is checked before anyone calls about it.
        var pending = Data.Promises.Where(p => p.Status == PromiseStatus.Pending).Select(p => p.AccountId).ToHashSet();
        Assert.DoesNotContain(calls, c => pending.Contains(c.AccountId));
    }

    [Fact]
    public void Agents_HaveExtensionsFrom1001_AndCoverEveryDebtorLanguage()
    {
        Assert.Equal(Enumerable.Range(1001, Data.Agents.Count).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), Data.Agents.Select(a => a.SipExtension));
        Assert.Equal(Data.Agents.Count, Data.Agents.Select(a => a.Login).Distinct().Count());
        Assert.All(DemoDataGenerator.Languages, language => Assert.Contains(Data.Agents, a => a.Active && a.Speaks(language)));
        Assert.Contains(Data.Agents, a => a.LanguageList.Count >= 3);
        Assert.Equal(7, Data.Campaigns.Count);
        // The main job dials at once: a running campaign over every industry serves each queue of due calls.
        Assert.All(["collections-phone", "instalment-reminders", "follow-up-calls", "callbacks"],
            queue => Assert.Contains(Data.Campaigns, c => c.Status == CampaignStatus.Running && c.Industry is null && c.Queue == queue));
        Assert.Equal(Data.Campaigns.Count, Data.Campaigns.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void Creditors_CoverSixCountriesAndIndustries_WithOwnPolicies()
    {
        Assert.Equal(["AL", "DE", "GB", "HU", "LV", "SI", "US"], Data.Creditors.Select(c => c.Country).Order());
        Assert.Equal(
            [Industry.Telecom, Industry.Utilities, Industry.ConsumerCredit, Industry.B2BTradeCredit, Industry.Healthcare, Industry.Retail],
            Data.Accounts.Select(a => a.Industry).Distinct().Order());
        Assert.Equal(Data.Creditors.Count, Data.Portfolios.Select(p => p.CreditorId).Distinct().Count());
        Assert.True(Data.Creditors.Select(c => c.Policy.MaxInstalments).Distinct().Count() >= 4);
        Assert.Contains(Data.Creditors, c => !c.Policy.AllowsAutomatedDialing);
    }
}
