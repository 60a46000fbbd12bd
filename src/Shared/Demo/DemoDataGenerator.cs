using System.Globalization;
using System.Text;
using Collections.Shared.Domain;
using NodaTime;

namespace Collections.Shared.Demo;

/// <summary>Builds the demo data set from a seed: the same seed and reference time give the same data, ids included.</summary>
public static partial class DemoDataGenerator
{
    public const int DefaultSeed = 7;

    public const int DefaultDebtorCount = 60;

    /// <summary>One debtor per creditor at least.</summary>
    public const int MinDebtorCount = 7;

    /// <summary>The fictional US block 555-0100..0199 holds 100 numbers per area code, which bounds the size.</summary>
    public const int MaxDebtorCount = 1000;

    /// <summary>Generates the demo data; <paramref name="now"/> is the reference time every date is relative to (truncated to the second).</summary>
    public static DemoData Generate(Instant now, int seed = DefaultSeed, int debtorCount = DefaultDebtorCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(debtorCount, MinDebtorCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(debtorCount, MaxDebtorCount);
        return new Builder(Instant.FromUnixTimeSeconds(now.ToUnixTimeSeconds()), seed).Build(debtorCount);
    }

    /// <summary>The languages of the demo's debtors (BCP 47).</summary>
    public static IReadOnlyList<string> Languages { get; } = ["sq", "lv", "de", "sl", "hu", "en"];

    /// <summary>The countries of the demo's debtors (ISO 3166-1 alpha-2).</summary>
    public static IReadOnlyList<string> Countries { get; } = DemoCatalog.Countries.Select(c => c.Code).ToArray();

    /// <summary>One account with everything the scenarios need to know about it.</summary>
    private sealed class Claim
    {
        public required Account Account { get; init; }
        public required Debtor Debtor { get; init; }
        public required Case Case { get; init; }
        public required DemoCreditorSpec Spec { get; init; }
        public required DateTimeZone Zone { get; init; }
        public required LocalDate Today { get; init; }
        public decimal FeesPaid { get; set; }
        public decimal InterestPaid { get; set; }
        public bool Used { get; set; }
        public PhoneNumber? Mobile => Debtor.Phones.FirstOrDefault(p => p.Kind == PhoneKind.Mobile);
        public PhoneNumber FirstPhone => Debtor.Phones.OrderBy(p => p.Priority).First();
        public int DaysPastDue => Period.Between(Account.DueDate, Today, PeriodUnits.Days).Days;
        public decimal Balance => Account.Principal + Account.Interest + Account.Fees - Account.Paid;
    }

    private sealed partial class Builder(Instant now, int seed)
    {
        private readonly Random rng = new(seed);
        private readonly SeededGuids guids = new(seed);
        private readonly HashSet<string> usedNumbers = new(StringComparer.Ordinal);
        private readonly HashSet<string> usedEmails = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> companiesUsed = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> invoiceCounters = new(StringComparer.Ordinal);

        private readonly List<Creditor> creditors = [];
        private readonly List<Portfolio> portfolios = [];
        private readonly List<Debtor> debtors = [];
        private readonly List<OptOut> optOuts = [];
        private readonly List<Account> accounts = [];
        private readonly List<Case> cases = [];
        private readonly List<Agent> agents = [];
        private readonly List<Campaign> campaigns = [];
        private readonly List<ContactAttempt> attempts = [];
        private readonly List<Disposition> dispositions = [];
        private readonly List<PromiseToPay> promises = [];
        private readonly List<InstalmentPlan> plans = [];
        private readonly List<Payment> payments = [];
        private readonly List<Hold> holds = [];
        private readonly List<Claim> claims = [];

        public DemoData Build(int debtorCount)
        {
            AddCreditors();
            AddAgents();
            AddCampaigns();
            for (var i = 0; i < debtorCount; i++)
            {
                AddDebtorWithAccount(i, debtorCount);
            }

            AddScenarios();
            AddCallHistory();

            // Added last so the ids of everything above stay as they were before it existed.
            AddFloorCampaign();
            AddQueueCampaigns();
            AddQueuedCalls();

            return new DemoData
            {
                Creditors = creditors,
                Portfolios = portfolios,
                Debtors = debtors,
                OptOuts = optOuts,
                Accounts = accounts,
                Cases = cases,
                Agents = agents,
                Campaigns = campaigns,
                ContactAttempts = attempts,
                Dispositions = dispositions,
                Promises = promises,
                InstalmentPlans = plans,
                Payments = payments,
                Holds = holds,
                ScheduledContacts = scheduledContacts,
            };
        }

        private void AddCreditors()
        {
            foreach (var spec in DemoCatalog.Creditors)
            {
                var creditor = new Creditor
                {
                    Id = new CreditorId(guids.Next()),
                    Code = spec.Code,
                    Name = spec.Name,
                    Country = spec.Country,
                    ReportEmail = spec.ReportEmail,
                    // Every demo creditor gets a monthly report (the host e-mails it to the demo SMTP sink) and a 15 % commission.
                    Terms = new CreditorTerms { CommissionPercent = 15m, ReportFrequency = ReportFrequency.Monthly },
                    Policy = new CreditorPolicy
                    {
                        MaxInstalments = spec.Policy.MaxInstalments,
                        MinInstalment = spec.Policy.MinInstalment,
                        MaxSettlementDiscountPercent = spec.Policy.MaxSettlementDiscountPercent,
                        PromiseTolerance = spec.Policy.PromiseTolerance,
                        AllowsSms = spec.Policy.AllowsSms,
                        AllowsWhatsApp = spec.Policy.AllowsWhatsApp,
                        AllowsAutomatedDialing = spec.Policy.AllowsAutomatedDialing,
                        SettlementApproval = spec.Policy.SettlementApproval,
                        LegalActionNeedsConsent = spec.Policy.LegalActionNeedsConsent,
                    },
                };
                creditors.Add(creditor);
                var created = now - Duration.FromDays(420);
                portfolios.Add(new Portfolio
                {
                    Id = new PortfolioId(guids.Next()),
                    CreditorId = creditor.Id,
                    Name = string.Create(CultureInfo.InvariantCulture, $"{spec.Code} handover {created.InUtc().Date:yyyy-MM}"),
                    CreatedAt = created,
                });
            }
        }

        private void AddAgents()
        {
            // Languages as BCP 47 codes; routing matches them against the debtor's preferred language.
            (string Login, string Name, string Languages, bool Active)[] operators =
            [
                ("anna.schneider", "Anna Schneider", "de,en", true),
                ("erion.basha", "Erion Basha", "sq,en,it", true),
                ("liga.ozola", "Līga Ozola", "lv,ru,en", true),
                // Hungarian names are written family name first.
                ("kovacs.eszter", "Kovács Eszter", "hu,de,en", true),
                ("spela.zupancic", "Špela Zupančič", "sl,hr,en", true),
                ("harriet.collins", "Harriet Collins", "en", true),
                ("maria.gonzalez", "María González", "en,es", true),
                ("dritan.gjoka", "Dritan Gjoka", "sq,de", true),
                ("nagy.gergo", "Nagy Gergő", "hu,en", true),
                ("thomas.brandt", "Thomas Brandt", "de", false),
            ];
            for (var i = 0; i < operators.Length; i++)
            {
                var (login, name, languages, active) = operators[i];
                agents.Add(new Agent
                {
                    Id = new AgentId(guids.Next()),
                    Login = login,
                    DisplayName = name,
                    Languages = languages,
                    SipExtension = (1001 + i).ToString(CultureInfo.InvariantCulture),
                    Active = active,
                });
            }
        }

        private void AddCampaigns()
        {
            var created = now - Duration.FromDays(30);
            campaigns.Add(new Campaign
            {
                Id = new CampaignId(guids.Next()),
                Name = "Telecom DE - early arrears",
                Mode = DialMode.Predictive,
                Status = CampaignStatus.Running,
                Industry = Industry.Telecom,
                StrategyStep = null,
                TargetAbandonRate = 0.03,
                MaxLinesPerAgent = 2.5,
                RingTimeoutSeconds = 25,
                MachinePolicy = MachinePolicy.HangUp,
                CreatedAt = created,
            });
            campaigns.Add(new Campaign
            {
                Id = new CampaignId(guids.Next()),
                Name = "Utilities HU - instalment reminders",
                Mode = DialMode.Progressive,
                Status = CampaignStatus.Running,
                Industry = Industry.Utilities,
                Queue = "instalment-reminders",
                StrategyStep = "instalment-reminder-call",
                MaxLinesPerAgent = 1.5,
                RingTimeoutSeconds = 30,
                MachinePolicy = MachinePolicy.HangUp,
                CreatedAt = created,
            });
            campaigns.Add(new Campaign
            {
                Id = new CampaignId(guids.Next()),
                Name = "Consumer credit LV/GB - preview",
                Mode = DialMode.Preview,
                Status = CampaignStatus.Paused,
                Industry = Industry.ConsumerCredit,
                StrategyStep = null,
                MaxLinesPerAgent = 1.0,
                RingTimeoutSeconds = 30,
                MachinePolicy = MachinePolicy.HangUp,
                CreatedAt = created,
            });
        }

        private void AddFloorCampaign() => campaigns.Add(new Campaign
        {
            Id = new CampaignId(guids.Next()),
            Name = "All portfolios - phone follow-up",
            Mode = DialMode.Progressive,
            Status = CampaignStatus.Running,
            Industry = null,
            StrategyStep = null,
            MaxLinesPerAgent = 1.0,
            RingTimeoutSeconds = 25,
            MachinePolicy = MachinePolicy.HangUp,
            CreatedAt = now - Duration.FromDays(30),
        });

        private void AddDebtorWithAccount(int index, int debtorCount)
        {
            var spec = DemoCatalog.Creditors[index % DemoCatalog.Creditors.Length];
            var perCreditor = index / DemoCatalog.Creditors.Length;
            var country = DemoCatalog.Country(spec.Country);
            var business = spec.BusinessEvery == 1 || perCreditor % spec.BusinessEvery == spec.BusinessEvery - 1;
            var creditor = creditors.First(c => c.Code == spec.Code);
            var portfolio = portfolios.First(p => p.CreditorId == creditor.Id);

            var debtor = NewDebtor(country, business);
            var zone = DateTimeZoneProviders.Tzdb[debtor.TimeZoneId!];
            var today = now.InZone(zone).Date;

            // Days past due spread evenly over 5..400 across the whole set, with a random offset inside each slot.
            var daysPastDue = Math.Clamp(5 + (int)((index + rng.NextDouble()) * 395.0 / debtorCount), 5, 400);
            var dueDate = today.PlusDays(-daysPastDue);
            var handedOver = dueDate.PlusDays(Math.Max(1, daysPastDue / 5));
            var createdAt = AtLocal(handedOver, 6, 0, zone);

            var account = new Account
            {
                Id = new AccountId(guids.Next()),
                CreditorId = creditor.Id,
                PortfolioId = portfolio.Id,
                DebtorId = debtor.Id,
                CreditorReference = string.Create(CultureInfo.InvariantCulture, $"{spec.ReferencePrefix}-{dueDate.Year}-{perCreditor + 1:D5}"),
                Industry = spec.Industry,
                Origin = Pick(spec.Origins),
                Currency = spec.Currency,
                DueDate = dueDate,
                CreatedAt = createdAt,
                UpdatedAt = createdAt,
            };

            // Claims are skewed towards small amounts, as real portfolios are: draw uniformly on a log scale.
            var principal = Round(spec, (decimal)Math.Exp(Math.Log((double)spec.MinPrincipal) + (rng.NextDouble() * Math.Log((double)(spec.MaxPrincipal / spec.MinPrincipal)))));
            var invoiceCount = Math.Min(rng.Next(1, business ? 6 : 5), 1 + ((daysPastDue - 5) / 30));
            AddInvoices(account, spec, principal, invoiceCount, business);
            account.Principal = principal;
            account.Interest = Round(spec, principal * (business ? spec.BusinessRatePercent : spec.ConsumerRatePercent) / 100m * daysPastDue / 365m);
            var reminders = 1 + Math.Min(2, daysPastDue / 30);
            account.Fees = business ? spec.BusinessFlatFee : spec.ConsumerReminderFee * reminders;

            var phase = PhaseFor(daysPastDue);

            // Cases in a phone phase are due within the last two days, so the demo's campaigns have calls to place from the
            // first minute; other steps fall due over the next days. (One draw either way, so the rest of the data is unchanged.)
            var dueInHours = rng.Next(-48, 120);
            if (phase is CasePhase.PhoneAndMessages or CasePhase.SecondReminder or CasePhase.FinalDemand && dueInHours >= 0)
            {
                dueInHours = -1 - (dueInHours % 48);
            }

            var caseRow = new Case
            {
                Id = new CaseId(guids.Next()),
                AccountId = account.Id,
                Phase = phase,
                StrategyId = string.Create(CultureInfo.InvariantCulture, $"{Kebab(spec.Industry)}-{(business ? "business" : "consumer")}"),
                NextStep = NextStepFor(phase),
                NextStepDueAt = phase == CasePhase.Closed ? null : now + Duration.FromHours(dueInHours),
                OpenedAt = createdAt,
            };
            if (debtor.Addresses.Count >= 3)
            {
                // Seed 000: frequent changes of address are a warning sign.
                AddRiskFlag(caseRow, "address-changes");
            }

            debtors.Add(debtor);
            accounts.Add(account);
            cases.Add(caseRow);
            claims.Add(new Claim { Account = account, Debtor = debtor, Case = caseRow, Spec = spec, Zone = zone, Today = today });
        }

        private Debtor NewDebtor(DemoCountry country, bool business)
        {
            var city = Pick(country.Cities);
            var debtor = new Debtor
            {
                Id = new DebtorId(guids.Next()),
                Kind = business ? DebtorKind.Business : DebtorKind.Consumer,
                PreferredLanguage = country.Language,
                TimeZoneId = city.TimeZone,
            };

            if (business)
            {
                var used = companiesUsed.GetValueOrDefault(country.Code);
                companiesUsed[country.Code] = used + 1;
                if (country.SoleTraderTrades is { } trades && used % 3 == 2)
                {
                    var (first, last) = PersonName(country);
                    debtor.FirstName = first;
                    debtor.LastName = last;
                    debtor.CompanyName = $"{Pick(trades)} {first} {last} s.p.";
                }
                else
                {
                    debtor.CompanyName = country.Companies[used % country.Companies.Length];
                }

                debtor.Email = UniqueEmail("office", Slug(debtor.CompanyName) + ".example");
            }
            else
            {
                (debtor.FirstName, debtor.LastName) = PersonName(country);
                debtor.DateOfBirth = new LocalDate(1950 + rng.Next(54), 1 + rng.Next(12), 1 + rng.Next(28));
                if (rng.Next(10) < 6)
                {
                    // RFC 2606 reserves example.com/.net/.org: no mail can reach a real person.
                    debtor.Email = UniqueEmail(Slug(debtor.FirstName) + "." + Slug(debtor.LastName), "example." + Pick(["com", "net", "org"]));
                }
            }

            AddAddresses(debtor, country, city);
            AddPhones(debtor, country, city, business);
            return debtor;
        }

        private (string First, string Last) PersonName(DemoCountry country)
        {
            var female = rng.Next(2) == 0;
            var first = Pick(female ? country.FemaleFirstNames : country.MaleFirstNames);
            var (male, feminine) = Pick(country.LastNames);
            return (first, female ? feminine : male);
        }

        private void AddAddresses(Debtor debtor, DemoCountry country, DemoCity current)
        {
            // Most debtors have one address; some moved once, a few moved twice in two years (a warning sign, seed 000).
            var roll = rng.Next(10);
            var count = roll == 0 ? 3 : roll < 3 ? 2 : 1;
            var from = now - Duration.FromDays(rng.Next(60, 1500));
            var history = new List<DebtorAddress>();
            for (var i = 0; i < count; i++)
            {
                var city = i == 0 ? current : Pick(country.Cities);
                history.Add(new DebtorAddress
                {
                    Id = new AddressId(guids.Next()),
                    DebtorId = debtor.Id,
                    Street = country.FormatStreet(rng, Pick(city.Streets)),
                    PostalCode = Pick(city.PostalCodes),
                    City = city.Name,
                    Country = country.Code,
                    ValidFrom = from,
                    ValidUntil = i == 0 ? null : history[i - 1].ValidFrom,
                });
                from -= Duration.FromDays(rng.Next(90, 330));
            }

            // Oldest first, as the history was lived.
            history.Reverse();
            debtor.Addresses.AddRange(history);
        }

        private void AddPhones(Debtor debtor, DemoCountry country, DemoCity city, bool business)
        {
            var mobiles = city.Mobiles ?? country.Mobiles;
            var priority = 1;
            if (business)
            {
                debtor.Phones.Add(NewPhone(debtor, country.Code, Pick(city.Landlines), PhoneKind.Landline, priority++));
                if (mobiles.Length > 0 && rng.Next(2) == 0)
                {
                    debtor.Phones.Add(NewPhone(debtor, country.Code, Pick(mobiles), PhoneKind.Mobile, priority));
                }

                return;
            }

            if (mobiles.Length > 0)
            {
                debtor.Phones.Add(NewPhone(debtor, country.Code, Pick(mobiles), PhoneKind.Mobile, priority++));
            }

            if (mobiles.Length == 0 || rng.Next(2) == 0)
            {
                debtor.Phones.Add(NewPhone(debtor, country.Code, Pick(city.Landlines), PhoneKind.Landline, priority));
            }
        }

        private PhoneNumber NewPhone(Debtor debtor, string region, PhoneBlock block, PhoneKind kind, int priority)
        {
            string e164;
            var tries = 0;
            do
            {
                var builder = new StringBuilder("+").Append(block.Prefix);
                for (var i = 0; i < block.Digits; i++)
                {
                    builder.Append((char)('0' + rng.Next(10)));
                }

                e164 = builder.ToString();
                if (++tries > 500)
                {
                    throw new InvalidOperationException($"Phone block +{block.Prefix} is exhausted; generate fewer debtors.");
                }
            }
            while (!usedNumbers.Add(e164));

            var phone = new PhoneNumber
            {
                Id = new PhoneNumberId(guids.Next()),
                DebtorId = debtor.Id,
                E164 = e164,
                Kind = kind,
                Region = region,
                Priority = priority,
            };

            // TCPA 47 U.S.C. 227(b)(1)(A)(iii): autodialled calls to a mobile need prior express consent; keep its source as evidence.
            if (rng.Next(10) < (kind == PhoneKind.Mobile ? 6 : 5))
            {
                var consentAt = now - Duration.FromDays(rng.Next(400, 1400));
                phone.AutodialConsent = true;
                phone.ConsentAt = consentAt;
                phone.ConsentSource = rng.Next(3) switch
                {
                    0 => string.Create(CultureInfo.InvariantCulture, $"contract clause, signed {consentAt.InUtc().Date:yyyy-MM-dd}"),
                    1 => "web form, customer portal",
                    _ => "recorded call",
                };
            }

            return phone;
        }

        private void AddInvoices(Account account, DemoCreditorSpec spec, decimal principal, int count, bool business)
        {
            var weights = Enumerable.Range(0, count).Select(_ => 0.6m + ((decimal)rng.NextDouble() * 0.8m)).ToArray();
            var total = weights.Sum();
            var allocated = 0m;
            var paymentTerm = business ? 30 : spec.Country is "GB" or "US" ? 21 : 14;
            for (var i = 0; i < count; i++)
            {
                var amount = i == count - 1 ? principal - allocated : Round(spec, principal * weights[i] / total);
                allocated += amount;
                // The oldest unpaid invoice sets the account's due date; later ones follow monthly.
                var dueOn = account.DueDate.PlusDays(30 * i);
                var issuedOn = dueOn.PlusDays(-paymentTerm);
                var counter = invoiceCounters.GetValueOrDefault(spec.Code, 1000 + rng.Next(9000)) + 1;
                invoiceCounters[spec.Code] = counter;
                account.Invoices.Add(new Invoice
                {
                    Id = new InvoiceId(guids.Next()),
                    AccountId = account.Id,
                    Number = spec.InvoicePrefix.Length == 0
                        ? string.Create(CultureInfo.InvariantCulture, $"{issuedOn.Year}-{counter:D6}")
                        : string.Create(CultureInfo.InvariantCulture, $"{spec.InvoicePrefix}-{issuedOn.Year}-{counter:D6}"),
                    IssuedOn = issuedOn,
                    DueOn = dueOn,
                    Amount = amount,
                });
            }
        }

        private T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];

        private decimal Round(DemoCreditorSpec spec, decimal amount) =>
            Math.Round(amount, spec.WholeUnits ? 0 : Currencies.MinorUnits(spec.Currency), MidpointRounding.AwayFromZero);

        private string UniqueEmail(string local, string domain)
        {
            var candidate = $"{local}@{domain}";
            for (var n = 2; !usedEmails.Add(candidate); n++)
            {
                candidate = string.Create(CultureInfo.InvariantCulture, $"{local}{n}@{domain}");
            }

            return candidate;
        }

        private static Instant AtLocal(LocalDate date, int hour, int minute, DateTimeZone zone) =>
            zone.AtLeniently(date.At(new LocalTime(hour, minute))).ToInstant();

        /// <summary>The date itself on a weekday, otherwise the Friday before.</summary>
        private static LocalDate WorkingDay(LocalDate date) => date.DayOfWeek switch
        {
            IsoDayOfWeek.Saturday => date.PlusDays(-1),
            IsoDayOfWeek.Sunday => date.PlusDays(-2),
            _ => date,
        };

        private static void AddRiskFlag(Case caseRow, string flag) =>
            caseRow.RiskFlags = string.IsNullOrEmpty(caseRow.RiskFlags) ? flag : caseRow.RiskFlags + "," + flag;

        private static CasePhase PhaseFor(int daysPastDue) => daysPastDue switch
        {
            < 10 => CasePhase.New,
            < 20 => CasePhase.WrittenReminder,
            < 45 => CasePhase.PhoneAndMessages,
            < 90 => CasePhase.SecondReminder,
            < 180 => CasePhase.FinalDemand,
            < 300 => CasePhase.LegalReview,
            _ => CasePhase.Hibernation,
        };

        private static string? NextStepFor(CasePhase phase) => phase switch
        {
            CasePhase.New => "claim-analysis",
            CasePhase.WrittenReminder => "reminder-letter",
            CasePhase.PhoneAndMessages => "call",
            CasePhase.SecondReminder => "second-reminder",
            CasePhase.FinalDemand => "final-demand",
            CasePhase.LegalReview => "legal-review",
            CasePhase.Hibernation => "monitor",
            _ => null,
        };

        private static string Kebab(Industry industry) => industry switch
        {
            Industry.B2BTradeCredit => "b2b-trade-credit",
            Industry.ConsumerCredit => "consumer-credit",
            _ => industry.ToString().ToLowerInvariant(),
        };

        /// <summary>Lower-case ASCII for e-mail addresses: diacritics dropped (ß becomes ss), anything else becomes '-'.</summary>
        private static string Slug(string text)
        {
            var decomposed = text.Replace("ß", "ss", StringComparison.Ordinal).Normalize(NormalizationForm.FormD);
            var builder = new StringBuilder(decomposed.Length);
            foreach (var c in decomposed)
            {
                if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                {
                    continue;
                }

                if (char.IsAsciiLetterOrDigit(c))
                {
                    builder.Append(char.ToLowerInvariant(c));
                }
                else if (builder.Length > 0 && builder[^1] != '-')
                {
                    builder.Append('-');
                }
            }

            return builder.ToString().Trim('-');
        }
    }
}
