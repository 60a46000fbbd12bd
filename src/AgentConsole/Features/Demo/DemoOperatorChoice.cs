using Collections.Shared.Domain;

namespace Collections.AgentConsole.Features.Demo;

/// <summary>
/// Which demo operators are simulated (<see cref="DemoOperators"/>) and take the demo's callbacks: first, one by one, the
/// operator who speaks the most debtors' languages not spoken yet (weighted by how many debtors speak each), so every
/// campaign has someone to put its calls through to; then, up to the count, the rest by login, last first.
/// </summary>
/// <remarks>
/// Before, they were the last three active operators by login, who speak English, Hungarian, Slovenian, Croatian and
/// Spanish: the demo never dialed a German, Latvian or Albanian debtor (the dialer does not call a debtor no operator
/// speaks to, issue 7), so "Telecom DE - early arrears" stood idle on the wallboard.
/// </remarks>
public static class DemoOperatorChoice
{
    /// <summary>Up to <paramref name="count"/> of <paramref name="active"/>, covering <paramref name="debtorLanguages"/> (one
    /// entry per debtor) as far as the count allows.</summary>
    public static IReadOnlyList<Agent> Pick(IEnumerable<Agent> active, IEnumerable<string> debtorLanguages, int count)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(debtorLanguages);
        var candidates = active.OrderByDescending(a => a.Login, StringComparer.Ordinal).ToList();
        var unspoken = debtorLanguages.GroupBy(l => l, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var chosen = new List<Agent>();
        while (chosen.Count < count && unspoken.Count > 0)
        {
            // Ties go to the later login, as before, so the choice is stable for a given set of operators and debtors.
            Agent? best = null;
            var bestGain = 0;
            foreach (var agent in candidates)
            {
                var gain = unspoken.Where(l => agent.Speaks(l.Key)).Sum(l => l.Value);
                if (gain > bestGain)
                {
                    (best, bestGain) = (agent, gain);
                }
            }

            if (best is null)
            {
                break;   // nobody left speaks a language still unspoken
            }

            chosen.Add(best);
            candidates.Remove(best);
            foreach (var language in unspoken.Keys.Where(best.Speaks).ToList())
            {
                unspoken.Remove(language);
            }
        }

        chosen.AddRange(candidates.Take(Math.Max(0, count - chosen.Count)));
        return chosen;
    }
}
