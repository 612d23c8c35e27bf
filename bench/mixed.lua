-- mixed.lua — wrk script for the mixed read load (bench/run.sh): every
-- connection rotates over four GETs of the benchmark series — its metadata
-- and its data for one day (145 points), one week (1009) and one month
-- (4465) — with HTTP Basic auth. Counts the answers by status; done()
-- prints them as one line "statuses: 200=N …" for run.sh to read.
--
--   BENCH_UUID=<series uuid> BENCH_AUTH=<base64 of demo:token> \
--     wrk -t2 -c16 -d30s --latency -s bench/mixed.lua http://127.0.0.1:8080

local uuid = os.getenv("BENCH_UUID") or error("BENCH_UUID is not set")
local auth = "Basic " .. (os.getenv("BENCH_AUTH") or error("BENCH_AUTH is not set"))
local data = "/v2/timeseries/" .. uuid .. "/data"
local paths = {
  "/v2/timeseries/" .. uuid,
  data .. "?start=2021-07-01T00:00:00Z&end=2021-07-02T00:00:00Z",
  data .. "?start=2021-07-01T00:00:00Z&end=2021-07-08T00:00:00Z",
  data .. "?start=2021-07-01T00:00:00Z&end=2021-08-01T00:00:00Z",
}

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- each thread starts at a different place in the rotation
local i = 0
function init(args)
  i = id or 0
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Authorization"] = auth })
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do
      total[code] = (total[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(total) do
    table.insert(parts, code .. "=" .. n)
  end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
