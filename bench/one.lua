-- one.lua — wrk script for one GET path (bench/run.sh's throughput
-- figures): HTTP Basic auth, answers counted by status; done() prints
-- them as one line "statuses: 200=N …" for run.sh to read.
--
--   BENCH_PATH=/v2/users/me BENCH_AUTH=<base64 of demo:token> \
--     wrk -t2 -c16 -d10s --latency -s bench/one.lua http://127.0.0.1:8080

local path = os.getenv("BENCH_PATH") or error("BENCH_PATH is not set")
local auth = "Basic " .. (os.getenv("BENCH_AUTH") or error("BENCH_AUTH is not set"))

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function request()
  return wrk.format("GET", path, { ["Authorization"] = auth })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s or {}) do all[k] = (all[k] or 0) + v end
  end
  local keys = {}
  for k in pairs(all) do table.insert(keys, k) end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do table.insert(out, k .. "=" .. all[k]) end
  io.write("statuses: " .. table.concat(out, " ") .. "\n")
end
