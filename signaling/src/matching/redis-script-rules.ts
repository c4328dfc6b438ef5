/**
 * The first half of the matching script (redis-script.ts): its arguments and
 * the rules as Lua functions, each the counterpart of a Matchmaker method.
 */
export const MATCHING_SCRIPT_RULES = String.raw`
local op = ARGV[1]
local P = ARGV[2]
local now = tonumber(ARGV[3])
local node = ARGV[4]
local interestWait = tonumber(ARGV[5])
local skipMemory = tonumber(ARGV[6])
local strangerTtl = tonumber(ARGV[7])
local nodeTtl = tonumber(ARGV[8])
-- 32 random bytes from the caller, in hex: Lua's own random numbers are not secret.
local seed = ARGV[9]
-- How long a paired stranger whose connection closed is held for a resume (0: not at all).
local resumeGrace = tonumber(ARGV[10])
-- How long a stranger with languages waits for one who speaks one of them; how long one who
-- asked for their languages only waits at all (language-rules.ts).
local languageWait = tonumber(ARGV[11])
local languageOnlyWait = tonumber(ARGV[12])
-- How long an ended chat is remembered as ended (a resume for it is refused as expired).
local endedMs = math.max(resumeGrace, 60000)

local function skey(id) return P .. 's:' .. id end

local secrets = 0
-- A fresh 128-bit secret, in hex: derived from the caller's random seed.
local function newSecret()
  secrets = secrets + 1
  return string.sub(redis.sha1hex(seed .. ':' .. secrets), 1, 32)
end
local function digest(secret) return string.sub(redis.sha1hex('mayfly:' .. secret), 1, 32) end

-- A node is alive while its heartbeat lasts and its liveness subscription is
-- open: a killed process's connections close at once, so its strangers stop
-- being offered at once, not when the heartbeat runs out.
local function alive(n)
  if redis.call('EXISTS', P .. 'node:' .. n) == 0 then return false end
  local numsub = redis.call('PUBSUB', 'NUMSUB', P .. 'alive:' .. n)
  return tonumber(numsub[2]) > 0
end

-- Whoever calls is alive; after Redis restarted empty this counts before the next heartbeat.
local function callerAlive() redis.call('SET', P .. 'node:' .. node, '1', 'PX', nodeTtl) end

local function load(id)
  local h = redis.call('HGETALL', skey(id))
  if #h == 0 then return nil end
  local s = { id = id }
  for i = 1, #h, 2 do s[h[i]] = h[i + 1] end
  s.ticket = tonumber(s.ticket or '0')
  s.since = tonumber(s.since or '0')
  s.pairedAt = tonumber(s.pairedAt or '0')
  return s
end

local function touch(id) redis.call('PEXPIRE', skey(id), strangerTtl) end

local function interestsOf(s)
  local list = {}
  if s.interests == nil or s.interests == '' then return list end
  for tag in string.gmatch(s.interests, '[^,]+') do list[#list + 1] = tag end
  return list
end

local function sharedInterests(a, b)
  local theirs = {}
  for _, tag in ipairs(interestsOf(b)) do theirs[tag] = true end
  local shared = {}
  for _, tag in ipairs(interestsOf(a)) do
    if theirs[tag] then shared[#shared + 1] = tag end
  end
  return shared
end

local function isRemembered(a, b)
  local untilMs = redis.call('HGET', P .. 'skips:' .. a, b)
  if not untilMs then return false end
  if tonumber(untilMs) > now then return true end
  redis.call('HDEL', P .. 'skips:' .. a, b)
  return false
end

local function skippedEitherWay(a, b) return isRemembered(a.id, b.id) or isRemembered(b.id, a.id) end

local function tagsOf(s)
  local list = {}
  for tag in string.gmatch(s.tags or '', '[^,]+') do list[#list + 1] = tag end
  return list
end

local function blocks(from, to)
  for _, tag in ipairs(tagsOf(from)) do
    for _, other in ipairs(tagsOf(to)) do
      local untilMs = redis.call('HGET', P .. 'blocks:' .. tag, other)
      if untilMs and tonumber(untilMs) > now then return true end
    end
  end
  return false
end

local function blockedEitherWay(a, b) return blocks(a, b) or blocks(b, a) end

-- When the ban on any of the stranger's tags ends, or nil.
local function bannedUntil(s)
  local latest = nil
  for _, tag in ipairs(tagsOf(s)) do
    local untilMs = tonumber(redis.call('GET', P .. 'ban:' .. tag) or '0')
    if untilMs > now and (latest == nil or untilMs > latest) then latest = untilMs end
  end
  return latest
end

local function acceptsAnyone(s) return #interestsOf(s) == 0 or now - s.since >= interestWait end

-- Languages (language-rules.ts): kept only while the stranger waits.
local function languagesOf(s)
  local list = {}
  for language in string.gmatch(s.languages or '', '[^,]+') do list[#list + 1] = language end
  return list
end

local function sharedLanguages(a, b)
  local theirs = {}
  for _, language in ipairs(languagesOf(b)) do theirs[language] = true end
  local shared = {}
  for _, language in ipairs(languagesOf(a)) do
    if theirs[language] then shared[#shared + 1] = language end
  end
  return shared
end

local function acceptsAnyLanguage(s)
  if #languagesOf(s) == 0 then return true end
  return s.languagesOnly ~= '1' and now - s.since >= languageWait
end

local function languagesFit(a, b)
  return #sharedLanguages(a, b) > 0 or (acceptsAnyLanguage(a) and acceptsAnyLanguage(b))
end

local function languageDeadline(s)
  if #languagesOf(s) == 0 then return nil end
  if s.languagesOnly == '1' then return s.since + languageOnlyWait end
  return s.since + languageWait
end

local function searchExpired(s)
  return s.languagesOnly == '1' and #languagesOf(s) > 0 and now - s.since >= languageOnlyWait
end

local function setLanguages(id, languages, only)
  if languages == nil or languages == '' then
    redis.call('HDEL', skey(id), 'languages', 'languagesOnly')
  else
    redis.call('HSET', skey(id), 'languages', languages, 'languagesOnly', only == '1' and '1' or '0')
  end
end

local function pair(a, b)
  local initiator, responder = a, b
  if b.ticket < a.ticket then initiator, responder = b, a end
  redis.call('ZREM', P .. 'waiting', initiator.id, responder.id)
  redis.call('HSET', skey(initiator.id), 'state', 'paired', 'pairedAt', now, 'partner', responder.id)
  redis.call('HSET', skey(responder.id), 'state', 'paired', 'pairedAt', now, 'partner', initiator.id)
  touch(initiator.id)
  touch(responder.id)
  redis.call('INCRBY', P .. 'paired', 2)
  redis.call('PEXPIRE', P .. 'paired', strangerTtl)
  -- Resume secrets: the pair's, shared, and each side's; only their digests are kept.
  local pairSecret = newSecret()
  local pairKey = digest(pairSecret)
  local tokens = {}
  for _, s in ipairs({ initiator, responder }) do
    local side = newSecret()
    tokens[s.id] = pairSecret .. '.' .. side
    redis.call('HSET', skey(s.id), 'pairKey', pairKey, 'sideKey', digest(side))
    redis.call('HSET', P .. 'chat:' .. pairKey, s.id, '1')
  end
  redis.call('PEXPIRE', P .. 'chat:' .. pairKey, strangerTtl)
  local languages = sharedLanguages(initiator, responder)
  -- Languages served the wait only: not kept beyond it.
  setLanguages(initiator.id, nil)
  setLanguages(responder.id, nil)
  return {
    kind = 'paired',
    initiator = initiator.id,
    responder = responder.id,
    sharedInterests = sharedInterests(initiator, responder),
    nicknames = { [initiator.id] = initiator.nickname, [responder.id] = responder.nickname },
    waitedMs = { [initiator.id] = now - initiator.since, [responder.id] = now - responder.since },
    resumeTokens = tokens,
    sharedLanguages = languages,
  }
end

-- One sharing an interest (and a language, or past caring) first, then one sharing a
-- language, then anyone acceptable.
local function pairWithBest(s)
  local fallback, sameLanguage = nil, nil
  for _, otherId in ipairs(redis.call('ZRANGE', P .. 'waiting', 0, -1)) do
    if otherId ~= s.id then
      local other = load(otherId)
      if other == nil or other.state ~= 'waiting' then
        redis.call('ZREM', P .. 'waiting', otherId)
      elseif alive(other.node) and not skippedEitherWay(s, other) and not blockedEitherWay(s, other) then
        -- A stranger of a node without a heartbeat is never offered: no ghosts.
        if languagesFit(s, other) then
          if #sharedInterests(s, other) > 0 then return pair(other, s) end
          if acceptsAnyone(s) and acceptsAnyone(other) then
            if fallback == nil then fallback = other end
            if sameLanguage == nil and #sharedLanguages(s, other) > 0 then sameLanguage = other end
          end
        end
      end
    end
  end
  local best = sameLanguage or fallback
  if best ~= nil then return pair(best, s) end
  return nil
end

local function enqueue(s)
  s.state = 'waiting'
  s.since = now
  s.ticket = redis.call('INCR', P .. 'ticket')
  redis.call('PEXPIRE', P .. 'ticket', strangerTtl)
  redis.call('HSET', skey(s.id), 'state', 'waiting', 'since', now, 'ticket', s.ticket)
  redis.call('ZADD', P .. 'waiting', s.ticket, s.id)
  redis.call('PEXPIRE', P .. 'waiting', strangerTtl)
  touch(s.id)
  local decision = pairWithBest(s)
  if decision == nil then return {} end
  return { decision }
end

-- The stranger's part in a chat is over: no keys, no grace.
local function clearChat(id)
  redis.call('HDEL', skey(id), 'pairKey', 'sideKey', 'awayUntil', 'rejoinUntil')
  redis.call('ZREM', P .. 'graces', id)
end

local function endChat(pairKey)
  if pairKey == nil then return end
  if redis.call('DEL', P .. 'chat:' .. pairKey) == 1 then
    redis.call('SET', P .. 'ended:' .. pairKey, '1', 'PX', endedMs)
  end
end

local function stopRejoining(s)
  if s.state ~= 'rejoining' then return end
  if s.pairKey ~= nil then redis.call('DEL', P .. 'rejoin:' .. s.pairKey) end
  clearChat(s.id)
  redis.call('HSET', skey(s.id), 'state', 'idle')
  s.state = 'idle'
end

local function leavePartner(s, reason, rememberSkip)
  if s.state ~= 'paired' or s.partner == nil then return {} end
  local partnerId = s.partner
  local pairedForMs = now - s.pairedAt
  endChat(s.pairKey)
  clearChat(s.id)
  clearChat(partnerId)
  redis.call('HSET', skey(s.id), 'state', 'idle')
  redis.call('HDEL', skey(s.id), 'partner')
  s.state = 'idle'
  s.partner = nil
  redis.call('DECRBY', P .. 'paired', 1)
  if rememberSkip and skipMemory > 0 then
    redis.call('HSET', P .. 'skips:' .. s.id, partnerId, now + skipMemory)
    -- Redis's own clock bounds the key's life; 'until' above is the rule.
    redis.call('PEXPIRE', P .. 'skips:' .. s.id, skipMemory + 60000)
  end
  local partner = load(partnerId)
  if partner == nil then return {} end
  redis.call('HSET', skey(partnerId), 'state', 'idle')
  redis.call('HDEL', skey(partnerId), 'partner')
  redis.call('DECRBY', P .. 'paired', 1)
  return {
    { kind = 'partnerLeft', stranger = partnerId, leaver = s.id, reason = reason, pairedForMs = pairedForMs },
  }
end

local function append(list, more)
  for _, item in ipairs(more) do list[#list + 1] = item end
  return list
end

local function remove(id)
  local s = load(id)
  if s == nil then return {} end
  redis.call('ZREM', P .. 'waiting', id)
  stopRejoining(s)
  local decisions = leavePartner(s, 'disconnect', false)
  redis.call('DEL', skey(id), P .. 'skips:' .. id)
  redis.call('SREM', P .. 'strangers:' .. (s.node or ''), id)
  return decisions
end

-- The connection closed: a stranger in a chat is held for a resume, any other removed.
local function hold(id)
  local s = load(id)
  if s == nil then return {} end
  if s.state ~= 'paired' or s.partner == nil or resumeGrace <= 0 then return remove(id) end
  if s.awayUntil ~= nil then return {} end
  redis.call('HSET', skey(id), 'awayUntil', now + resumeGrace)
  redis.call('ZADD', P .. 'graces', now + resumeGrace, id)
  redis.call('PEXPIRE', P .. 'graces', strangerTtl)
  return { { kind = 'partnerAway', stranger = s.partner, away = id, graceMs = resumeGrace } }
end

-- Held strangers whose grace is over leave; rejoining ones give up.
local function endGraces()
  local decisions = {}
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'graces', '-inf', now)) do
    redis.call('ZREM', P .. 'graces', id)
    local s = load(id)
    if s ~= nil and s.awayUntil ~= nil then
      append(decisions, remove(id))
    elseif s ~= nil and s.state == 'rejoining' then
      stopRejoining(s)
      decisions[#decisions + 1] = { kind = 'rejoinFailed', stranger = id }
    end
  end
  return decisions
end

`;
