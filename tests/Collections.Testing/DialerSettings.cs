namespace Collections.Testing;

/// <summary>Settings for a console host with the dialer inside that tests and benchmarks drive.</summary>
public static class DialerSettings
{
    /// <summary>SIP on a free port (parallel hosts would collide on 5060) and a demo carrier on which every debtor answers as a
    /// person who stays on the line for ten minutes, so each dial can become a screen-pop.</summary>
    public static readonly IReadOnlyList<(string Key, string Value)> AllHumanDemoCarrier =
    [
        ("Dialer:Sip:Port", "0"),
        ("Dialer:DemoCarrier:HumanPercent", "100"),
        ("Dialer:DemoCarrier:MachinePercent", "0"),
        ("Dialer:DemoCarrier:BusyPercent", "0"),
        ("Dialer:DemoCarrier:NoAnswerPercent", "0"),
        ("Dialer:DemoCarrier:FailurePercent", "0"),
        ("Dialer:DemoCarrier:MaxCallSeconds", "600"),
    ];
}
