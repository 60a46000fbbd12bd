namespace Collections.Shared.Queues;

/// <summary>The inbound queue's service level: the share of callers who reached an operator within the target wait.</summary>
public static class ServiceLevel
{
    /// <summary>
    /// Calls answered within the target over calls answered plus calls abandoned after the target (callers who hung up sooner
    /// than the target are not held against the queue: the usual contact-centre definition, as in COPC CX Standard 7.0 and
    /// Asterisk's app_queue "servicelevel"); 1 when no call counts.
    /// </summary>
    public static double Of(int answeredWithinTarget, int answered, int abandonedAfterTarget)
    {
        var counted = answered + abandonedAfterTarget;
        return counted == 0 ? 1 : Math.Round((double)answeredWithinTarget / counted, 4);
    }
}
