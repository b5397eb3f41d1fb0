-- wrk script: POSTs the pre-signed webhooks of signed_webhooks.py, each once, and prints one JSON
-- line (requests, 202s, other statuses, rate and latency percentiles) when wrk ends.
--   WEBHOOKS=file wrk -t2 -c32 -d10s --latency -s bench/queue/signed_webhooks.lua http://host:port -- 2
-- (the argument after -- is wrk's thread count, -t).
-- Thread k of n sends lines k, k+n, k+2n, ...; a thread that runs out stops sending (wrk then
-- reports fewer requests than its duration allows: write more lines).
local body = '{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}'
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests, accepted, other, exhausted = {}, 0, 0, 0
  local stride, line_number = tonumber(args[1]), 0
  for line in io.lines(os.getenv("WEBHOOKS")) do
    if line_number % stride == index then
      local id, timestamp, signature = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
      requests[#requests + 1] = wrk.format("POST", "/webhook/trading-sweep", {
        ["content-type"] = "application/json", ["webhook-id"] = id,
        ["webhook-timestamp"] = timestamp, ["webhook-signature"] = signature,
      }, body)
    end
    line_number = line_number + 1
  end
  next_request = 1
end

function request()
  local value = requests[next_request]
  if value == nil then
    exhausted = 1
    value = requests[#requests]  -- a duplicate: counted as "other", never as accepted
  end
  next_request = next_request + 1
  return value
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local accepted_total, other_total, exhausted_any = 0, 0, 0
  for _, thread in ipairs(threads) do
    accepted_total = accepted_total + thread:get("accepted")
    other_total = other_total + thread:get("other")
    exhausted_any = math.max(exhausted_any, thread:get("exhausted"))
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests":%d,"accepted":%d,"other_statuses":%d,"socket_errors":%d,"seconds":%.3f,'
    .. '"accepted_per_second":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"ran_out_of_webhooks":%s}\n',
    summary.requests, accepted_total, other_total,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    seconds, accepted_total / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    exhausted_any == 1 and "true" or "false"))
end
