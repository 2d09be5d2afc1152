package org.tdxemu.scenarios.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.tdxemu.scenarios.format.JsonValue;
import org.tdxemu.scenarios.format.JsonValue.JsonObject;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.format.UserFile;
import org.tdxemu.scenarios.output.JsonReports;
import org.tdxemu.scenarios.spec.ScenarioException;

/**
 * One shard's results as a file: what {@code faults SCENARIO --shard K/N} writes and {@code
 * faults-merge} reads back. It holds everything the campaign's report needs of the shard: which
 * campaign it belongs to ({@link FaultCampaign#fingerprint()}), every faulted call, and each of the
 * shard's runs with its number in the campaign, so that the merged shards make exactly the report
 * of the campaign run whole.
 *
 * <pre>{"shard": "2/4", "campaign": "3f…", "scenario": "small-v7", "runs": 164,
 *  "calls": [{"leaf": "TDH.SYS.INIT", "occurrence": 1, "cpu": 0, "call": 1}, …],
 *  "results": [{"run": 1, "call": 0, "status": "0xc000010000000001", "kernelReturned": "EFAULT",
 *               "violations": []}, …]}</pre>
 */
public final class ShardFile {

    private static final String ROOT = "a campaign shard";
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    private ShardFile() {
    }

    /** The file of {@code shard}, whose runs {@code result} holds, of the campaign {@code fingerprint} names. */
    public static ObjectNode json(CampaignResult result, Shard shard, String fingerprint) {
        ObjectNode json = JsonReports.JSON.createObjectNode();
        json.put("shard", shard.toString());
        json.put("campaign", fingerprint);
        json.put("scenario", result.scenario());
        json.put("runs", LeafStatuses.runs(result.sites()));
        ArrayNode calls = json.putArray("calls");
        for (CallSite site : result.sites()) {
            ObjectNode c = calls.addObject();
            c.put("leaf", site.leaf().architecturalName());
            c.put("occurrence", site.occurrence());
            c.put("cpu", site.cpu());
            c.put("call", site.call());
        }
        ArrayNode results = json.putArray("results");
        for (int n = 0; n < result.runs().size(); n++) {
            CampaignResult.Run run = result.runs().get(n);
            ObjectNode r = results.addObject();
            r.put("run", shard.run(n));
            r.put("call", result.sites().indexOf(run.site()));
            r.put("status", JsonReports.hex(run.status()));
            r.put("kernelReturned", run.kernelReturned());
            ArrayNode violations = r.putArray("violations");
            run.violations().forEach(violations::add);
        }
        return json;
    }

    /** One shard file read back. */
    private record Read(Path file, Shard shard, String campaign, String scenario, int runs, List<CallSite> calls,
                        TreeMap<Integer, CampaignResult.Run> results) {
    }

    /**
     * The campaign that {@code files}, every shard of it once each, make together.
     *
     * @throws ScenarioException naming the file and the field, for a file that is not a shard, a
     *         shard of another campaign than the first file's, a shard given twice, or one missing
     */
    public static CampaignResult merge(List<Path> files) {
        List<Read> shards = new ArrayList<>();
        for (Path file : files) {
            try {
                shards.add(read(file, ScenarioReader.tree(UserFile.text(file))));
            } catch (ScenarioException e) {
                throw e.getMessage().startsWith(file + ": ") ? e : e.inFile(file.toString());
            }
        }
        Read first = shards.get(0);
        Read[] byIndex = new Read[first.shard().count()];
        for (Read shard : shards) {
            if (!shard.campaign().equals(first.campaign()) || shard.shard().count() != first.shard().count()) {
                String why = !shard.scenario().equals(first.scenario())
                        ? "it is " + shard.scenario() + "'s, " + first.file() + " is " + first.scenario() + "'s"
                        : shard.shard().count() != first.shard().count()
                        ? "it is one of " + shard.shard().count() + " shards, " + first.file() + " one of "
                                + first.shard().count()
                        : "the scenario or the options differ from " + first.file() + "'s";
                throw new ScenarioException(shard.file() + ": shard " + shard.shard() + " of another campaign: " + why);
            }
            Read earlier = byIndex[shard.shard().index() - 1];
            if (earlier != null) {
                throw new ScenarioException(shard.file() + ": shard " + shard.shard() + " a second time (the first: "
                        + earlier.file() + ")");
            }
            byIndex[shard.shard().index() - 1] = shard;
        }
        TreeMap<Integer, CampaignResult.Run> runs = new TreeMap<>();
        for (int k = 0; k < byIndex.length; k++) {
            if (byIndex[k] == null) {
                throw new ScenarioException("faults-merge: shard " + new Shard(k + 1, byIndex.length) + " of "
                        + first.scenario() + " is missing: every shard of the campaign is needed, once each");
            }
            runs.putAll(byIndex[k].results());
        }
        return new CampaignResult(first.scenario(), first.calls(), List.copyOf(runs.values()));
    }

    private static void requireEqual(JsonValue value, int expected, String because) {
        int found = value.integer(0, Integer.MAX_VALUE);
        if (found != expected) {
            throw value.error(found + ", but " + because);
        }
    }

    private static Read read(Path file, JsonNode tree) {
        if (!tree.isObject() || !tree.has("shard")) {
            throw new ScenarioException("not a shard of a fault campaign (no \"shard\" key): shards are written by "
                    + "`tdxemu faults SCENARIO --shard K/N`");
        }
        JsonObject o = JsonValue.root(tree, ROOT).object("shard", "campaign", "scenario", "runs", "calls", "results");
        JsonValue shardValue = o.required("shard");
        Shard shard;
        try {
            shard = Shard.parse(shardValue.string());
        } catch (IllegalArgumentException e) {
            throw shardValue.error(e.getMessage());
        }
        JsonValue campaignValue = o.required("campaign");
        String campaign = campaignValue.string();
        if (!FINGERPRINT.matcher(campaign).matches()) {
            throw campaignValue.error("expected the campaign's 64 hex digits, as faults --shard writes them");
        }
        String scenario = o.required("scenario").string();
        int runs = o.required("runs").integer(0, Integer.MAX_VALUE);
        List<CallSite> calls = new ArrayList<>();
        for (JsonValue c : o.required("calls").array()) {
            JsonObject call = c.object("leaf", "occurrence", "cpu", "call");
            calls.add(new CallSite(ScenarioReader.leaf(call.required("leaf")),
                    call.required("occurrence").integer(1, Integer.MAX_VALUE), call.required("cpu").integer(0,
                    Integer.MAX_VALUE), call.required("call").integer(1, Integer.MAX_VALUE)));
        }
        if (LeafStatuses.runs(calls) != runs) {
            throw o.required("runs").error(runs + ", but the calls make " + LeafStatuses.runs(calls) + " runs");
        }
        TreeMap<Integer, CampaignResult.Run> results = new TreeMap<>();
        List<JsonValue> items = o.required("results").array();
        int expected = 0;
        for (int run = 0; run < runs; run++) {
            expected += shard.chooses(run, runs) ? 1 : 0;
        }
        if (items.size() != expected) {
            throw o.required("results").error(items.size() + " results, but shard " + shard + " of a campaign of "
                    + runs + " runs has " + expected);
        }
        List<Integer> callOfRun = new ArrayList<>();
        List<Long> statusOfRun = new ArrayList<>();
        for (int c = 0; c < calls.size(); c++) {
            for (long status : LeafStatuses.of(calls.get(c).leaf())) {
                callOfRun.add(c);
                statusOfRun.add(status);
            }
        }
        for (int n = 0; n < items.size(); n++) {
            JsonObject r = items.get(n).object("run", "call", "status", "kernelReturned", "violations");
            int run = shard.run(n);
            requireEqual(r.required("run"), run, "result " + n + " of shard " + shard + " is run " + run);
            requireEqual(r.required("call"), callOfRun.get(run), "run " + run + " faults call " + callOfRun.get(run));
            JsonValue statusValue = r.required("status");
            long status = ScenarioReader.status(statusValue);
            if (status != statusOfRun.get(run)) {
                throw statusValue.error(String.format("0x%x, but run %d answers 0x%x", status, run, statusOfRun.get(run)));
            }
            List<String> violations = new ArrayList<>();
            for (JsonValue v : r.required("violations").array()) {
                violations.add(v.string());
            }
            results.put(run, new CampaignResult.Run(calls.get(callOfRun.get(run)), status,
                    r.required("kernelReturned").string(), violations));
        }
        return new Read(file, shard, campaign, scenario, runs, calls, results);
    }
}
