// The goals table of npm run bench: each figure against its goal, ratios to the same run's baselines.
import assert from 'node:assert/strict';
import { goalRows, type GoalInputs } from '../../../bench/goals';

const m = (median: number): { median: number } => ({ median });

function row(inputs: GoalInputs, goal: RegExp): { measured: string; verdict: string } {
    const found = goalRows(inputs).find((r) => goal.test(r.goal));
    assert.ok(found, `no row ${goal}`);
    return found;
}

describe('bench goals table', function () {
    const cold = { wall: m(250), cpu: m(260), nodeWall: m(60), nodeCpu: m(70) };

    it('judges the cold CLI CPU as a ratio to node -e 0 of the same run', function () {
        assert.equal(row({ coldCli: cold }, /Cold CLI dry run, unchanged handler: CPU/).verdict, 'met');
        const slow = row({ coldCli: { ...cold, cpu: m(650) } }, /Cold CLI dry run, unchanged handler: CPU/);
        assert.equal(slow.verdict, 'NOT met');
        assert.match(slow.measured, /9\.3× node -e 0/);
    });

    it('judges the wall time against the real nango dryrun, and says when it did not run', function () {
        assert.equal(row({ coldCli: cold, realNangoMs: 5000 }, /real nango dryrun/).verdict, 'met'); // 20×
        assert.equal(row({ coldCli: cold, realNangoMs: 4000 }, /real nango dryrun/).verdict, 'NOT met');
        assert.equal(row({ coldCli: cold }, /real nango dryrun/).verdict, 'not measured');
    });

    it('uses the slower first click and the medians of the editor sessions', function () {
        const editor = {
            at: 'x',
            measuredNow: true,
            firstClickToPickMs: 140,
            warmClickToPickMs: [40, 50, 300],
            hostFirstClickToPickMs: 20,
            hostWarmClickToPickMs: [5, 6, 7],
            firstRunMs: 550,
            freshProjectFirstRunMs: 4000,
            warmRunMs: [30, 200, 40],
            activationMs: [9, 12]
        };
        assert.equal(row({ editor }, /first click/).verdict, 'NOT met');
        assert.equal(row({ editor }, /later clicks/).verdict, 'met');
        assert.equal(row({ editor }, /pick → result, warm/).verdict, 'met');
        assert.equal(row({ editor }, /first run of a session/).verdict, 'met');
        assert.equal(row({ editor, activationMs: 31 }, /Activation/).verdict, 'NOT met');
        assert.equal(row({}, /Editor/).verdict, 'not measured');
    });

    it('judges the type check by what it adds to the same run without it', function () {
        const typecheck = { cliBaseline: m(540), cliUnchanged: m(544), warmBaseline: m(30), warmEditedHandler: m(600) };
        assert.equal(row({ typecheck }, /unchanged project adds/).verdict, 'met');
        assert.equal(row({ typecheck }, /one changed handler/).verdict, 'NOT met');
    });
});
