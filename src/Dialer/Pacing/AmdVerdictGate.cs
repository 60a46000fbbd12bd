using Collections.Dialer.Amd;

namespace Collections.Dialer.Pacing;

/// <summary>What the campaign does with one MACHINE verdict.</summary>
public enum MachineVerdictAction
{
    /// <summary>Act on it: hang up, or leave the campaign's message.</summary>
    Act,

    /// <summary>Pass it to an operator: the estimated AMD share would use the abandonment budget.</summary>
    PassOverBudget,

    /// <summary>Pass it to an operator as a sample, so the false-positive share is measured.</summary>
    PassAudit,
}

/// <summary>
/// Keeps AMD from spending the abandonment budget whatever the detector (issue 14, item 4): a MACHINE verdict is acted on
/// only while the estimated people among the verdicts acted on, counted with an upper bound of the campaign's false-positive
/// share, stay within a share of the target in the rolling 24 h and over the campaign; beyond that the verdicts go to
/// operators (whose reviews then measure the share, and whose time pacing sees as calls needing an agent). A verdict
/// confirmed by a tone (a voicemail beep, a special information tone) is always acted on: a person does not beep. A fixed
/// sample of verdicts goes to operators anyway, so a detector worse in the field than in its evaluation is found out.
/// </summary>
public sealed class AmdVerdictGate
{
    private readonly PacingOptions _options;
    private readonly AbandonmentLedger _ledger;
    private long _verdicts;

    /// <summary>A gate for a campaign with the given limits and configured false-positive share.</summary>
    public AmdVerdictGate(PacingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _ledger = new AbandonmentLedger(options.AmdFalsePositiveShare, options.AmdFalsePositivePriorWeight);
    }

    /// <summary>The counts the gate decides on (the same events pacing sees).</summary>
    public AbandonmentLedger Ledger => _ledger;

    /// <summary>MACHINE verdicts passed to operators so far.</summary>
    public long Passed { get; private set; }

    /// <summary>Learns from the events the dialer reports to pacing.</summary>
    public void Observe(PacingEvent pacingEvent)
    {
        switch (pacingEvent)
        {
            case DialResolved { Outcome: DialOutcome.MachineVerdict } resolved:
                _ledger.RecordMachineVerdict(resolved.At);
                break;
            case PersonAnswered person:
                _ledger.Record(person.At, person.Abandoned is not null);
                break;
            case OperatorReview review:
                _ledger.Record(review);
                break;
            default:
                break;
        }
    }

    /// <summary>Decides what to do with a MACHINE verdict reached at <paramref name="now"/> for the given cause.</summary>
    public MachineVerdictAction Decide(DateTimeOffset now, AmdCause cause)
    {
        if (cause is AmdCause.Beep or AmdCause.Sit)
        {
            return MachineVerdictAction.Act;
        }

        _verdicts++;
        if (_options.AmdAuditShare > 0 && Math.Floor(_verdicts * _options.AmdAuditShare) > Math.Floor((_verdicts - 1) * _options.AmdAuditShare))
        {
            Passed++;
            return MachineVerdictAction.PassAudit;
        }

        var share = _ledger.Estimate.UpperShare(_options.AmdShareConfidenceZ);
        var cap = _options.AmdShareOfTarget * _options.TargetAbandonRate;
        var rolling = _ledger.Rolling(now);
        if (OverCap(rolling.Persons - _ledger.Estimate.PeopleAmong(_ledger.RollingMachineVerdicts), _ledger.RollingMachineVerdicts, share, cap)
            || OverCap(_ledger.CampaignPersons, _ledger.CampaignMachineVerdicts, share, cap))
        {
            Passed++;
            return MachineVerdictAction.PassOverBudget;
        }

        return MachineVerdictAction.Act;
    }

    /// <summary>Whether acting on one more verdict would put AMD's estimated abandoned calls over the cap in a window.</summary>
    private static bool OverCap(double persons, long machineVerdicts, double share, double cap)
    {
        var amd = share * (machineVerdicts + 1);
        return amd > cap * (persons + amd);
    }
}
