import{b as W,c as i,d as S,e as A,f as D,g as B,h as H,i as k,j as Y,k as e,l as P,m as C,n as V,o as x,p as Q}from"./chunk-SHDOEDPI.js";var ce=/^\+[1-9]\d{7,14}$/,de=700,J=["\u043D\u0430\u0431\u043E\u0440","\u0437\u0432\u043E\u043D\u043E\u043A","\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440","\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D"],U=new Set(["completed","failed","no_answer","busy","rejected"]),G={completed:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440 \u0441\u043E\u0441\u0442\u043E\u044F\u043B\u0441\u044F",failed:"\u043E\u0448\u0438\u0431\u043A\u0430",no_answer:"\u043D\u0435 \u043E\u0442\u0432\u0435\u0442\u0438\u043B\u0438",busy:"\u0437\u0430\u043D\u044F\u0442\u043E",rejected:"\u043E\u0442\u043A\u043B\u043E\u043D\u0451\u043D"},R={end_call:"\u043A\u043B\u0438\u0435\u043D\u0442 \u043F\u043E\u043F\u0440\u043E\u0449\u0430\u043B\u0441\u044F",operator_hangup:"\u043E\u043F\u0435\u0440\u0430\u0442\u043E\u0440 \u043F\u043E\u043B\u043E\u0436\u0438\u043B \u0442\u0440\u0443\u0431\u043A\u0443",max_duration:"\u0438\u0441\u0442\u0435\u043A\u043B\u043E \u0432\u0440\u0435\u043C\u044F \u0437\u0432\u043E\u043D\u043A\u0430",silence:"\u0434\u043E\u043B\u0433\u043E\u0435 \u043C\u043E\u043B\u0447\u0430\u043D\u0438\u0435",backend_error:"\u043E\u0448\u0438\u0431\u043A\u0430 \u0431\u044D\u043A\u0435\u043D\u0434\u0430",socket_closed:"OpenAI \u0437\u0430\u043A\u0440\u044B\u043B \u0441\u043E\u0435\u0434\u0438\u043D\u0435\u043D\u0438\u0435",failed:"\u0441\u0431\u043E\u0439 \u0441\u0446\u0435\u043D\u0430\u0440\u0438\u044F",stopped:"\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D \u0438\u0437 \u043A\u043E\u043D\u0441\u043E\u043B\u0438"};function ue(a){return U.has(a)?3:a==="connected"?2:a==="ringing"?1:0}function pe(a,t){return a?ce.test(a)?t&&!t.some(r=>a.startsWith(r))?`\u042D\u0442\u043E\u0442 \u043D\u043E\u043C\u0435\u0440 \u043D\u0435 \u0440\u0430\u0437\u0440\u0435\u0448\u0451\u043D: \u0437\u0432\u043E\u043D\u0438\u0442\u044C \u043C\u043E\u0436\u043D\u043E \u0442\u043E\u043B\u044C\u043A\u043E \u043D\u0430 ${t.join(", ")}.`:"":"\u041D\u043E\u043C\u0435\u0440 \u0432 \u0444\u043E\u0440\u043C\u0430\u0442\u0435 E.164: \xAB+\xBB, \u043A\u043E\u0434 \u0441\u0442\u0440\u0430\u043D\u044B \u0438 \u0446\u0438\u0444\u0440\u044B, \u043D\u0430\u043F\u0440\u0438\u043C\u0435\u0440 +79161234567.":"\u0412\u0432\u0435\u0434\u0438\u0442\u0435 \u043D\u043E\u043C\u0435\u0440."}function me({me:a,persona:t,setPersona:r}){let[s,c]=i(""),[p,b]=i(null),[h,v]=i(null),y=A(null),m=t.kind==="yaml";async function u(n){v(null);try{let $=await k("POST","/persona/check",{yaml:n});b($),r($.ok?{kind:"yaml",value:$.persona,ok:!0}:{kind:"yaml",ok:!1})}catch($){v($),r({kind:"yaml",ok:!1})}}S(()=>{if(!m||!s.trim())return;let n=setTimeout(()=>u(s),400);return()=>clearTimeout(n)},[s,m]);function l(n){let $=y.current;if(!$||!n)return;let o=$.value.split(`
`),w=o.slice(0,n-1).reduce((E,I)=>E+I.length+1,0);$.focus(),$.setSelectionRange(w,w+(o[n-1]||"").length)}async function d(n){let $=n.target.files&&n.target.files[0];$&&c(await $.text())}return e`
    <div class="field">
      <label for="persona">Персона</label>
      <select id="persona" value=${m?"__yaml":t.value}
        onChange=${n=>n.target.value==="__yaml"?r({kind:"yaml",ok:!1}):r({kind:"bundled",value:n.target.value,ok:!0})}>
        ${a.personas.map(n=>e`<option value=${n.id}>${n.name} (${n.id})</option>`)}
        <option value="__yaml">Своя: вставить или загрузить YAML</option>
      </select>
      ${m&&e`
        <div class="yaml">
          <textarea ref=${y} id="persona-yaml" rows="12" spellcheck="false" aria-label="Персона в YAML"
            aria-describedby="persona-check" placeholder="id: my_persona&#10;name: Иван&#10;…"
            value=${s} onInput=${n=>c(n.target.value)}></textarea>
          <label class="upload">Загрузить файл <input type="file" accept=".yaml,.yml,text/yaml" onChange=${d} /></label>
          <div id="persona-check" aria-live="polite">
            ${p&&p.ok&&e`<p class="ok">Персона в порядке: ${p.name} (${p.id}).</p>`}
            ${p&&!p.ok&&e`
              <ul class="problems">
                ${p.problems.map(n=>e`<li>
                  <button type="button" class="linklike" onClick=${()=>l(n.line)}>
                    ${n.line?`\u0441\u0442\u0440\u043E\u043A\u0430 ${n.line}`:"\u0444\u0430\u0439\u043B"}</button>${n.field?` \u2014 ${n.field}`:""}: <span title=${n.message}>${Q(n.message)}</span></li>`)}
              </ul>`}
            <${x} error=${h} />
          </div>
        </div>`}
    </div>`}function $e({start:a,onAgain:t,canStop:r}){let[s,c]=i(null),[p,b]=i(null),[h,v]=i(null),[y,m]=i(!1),u=A(null),l=s?s.status:a.status,d=U.has(l);S(()=>{let g=!0,T=null;async function z(){try{let _=await k("GET",`/call/${a.call_id}`);if(!g||(c(_),b(null),U.has(_.status)))return}catch(_){if(!g)return;b(_)}T=setTimeout(z,de)}return z(),()=>{g=!1,clearTimeout(T)}},[a.call_id]);let n=s&&s.transcript||[];S(()=>{let g=u.current;g&&g.scrollHeight-g.scrollTop-g.clientHeight<120&&(g.scrollTop=g.scrollHeight)},[n.length]);async function $(){m(!0),v(null);try{await k("POST",`/call/${a.call_id}/hangup`,{})}catch(g){v(g),m(!1)}}let o={};for(let g of s&&s.turns||[])o[g.turn]=g.voice_to_voice_ms;let w=n.length?n[0].t:0,E=ue(l),I=d?`${G[l]||l}${s&&s.end_reason?`, ${R[s.end_reason]||s.end_reason}`:""}`:"";return e`
    <section class="live" aria-labelledby="live-title">
      <h2 id="live-title">Звонок ${C(a.engine)}</h2>
      <p class="muted">Идентификатор звонка: <code>${a.call_id}</code></p>
      <ol class="steps" aria-label="Статус звонка">
        ${J.map((g,T)=>e`<li class=${T<E?"past":T===E?"now":""} aria-current=${T===E?"step":void 0}>${g}</li>`)}
      </ol>
      <p class="status" role="status" data-status=${l}>Статус: <strong>${J[E]}</strong>${I&&e` — ${I}`}</p>
      <${x} error=${p} />
      <ol class="transcript" ref=${u} aria-live="polite" aria-label="Расшифровка">
        ${n.length===0&&e`<li class="muted placeholder">Реплики появятся здесь, как только начнётся разговор.</li>`}
        ${n.map(g=>e`
          <li class=${`line ${g.who}`}>
            <span class="time">${q(g.t-w)}</span>
            <span class="who">${g.who==="client"?"\u041A\u043B\u0438\u0435\u043D\u0442":"\u041E\u043F\u0435\u0440\u0430\u0442\u043E\u0440"}</span>
            <span class="text">${g.text}${g.cut?e` <em class="tag">перебит</em>`:""}${g.barge_in?e` <em class="tag">перебивает</em>`:""}</span>
            <span class="v2v" title="голос-в-голос: конец речи оператора → первый звук клиента">${g.who==="client"&&o[g.turn]!=null?`${o[g.turn]} \u043C\u0441`:""}</span>
          </li>`)}
      </ol>
      <p class="muted summary">${fe(s)}</p>
      <div class="actions">
        ${!d&&r&&e`<button type="button" class="danger" onClick=${$} disabled=${y}>${y?"\u0417\u0430\u0432\u0435\u0440\u0448\u0430\u0435\u043C\u2026":"\u0417\u0430\u0432\u0435\u0440\u0448\u0438\u0442\u044C"}</button>`}
        ${d&&e`<button type="button" onClick=${t}>Новый звонок</button>
          <a class="button-like" href=${`#/calls/${a.call_id}`}>Разбор звонка</a>`}
      </div>
      <${x} error=${h} />
    </section>`}var K=a=>a==null?"\u2014":`${a} \u043C\u0441`;function fe(a){let t=a&&a.summary;return!t||!t.voice_to_voice_ms?"\xA0":`\u0413\u043E\u043B\u043E\u0441-\u0432-\u0433\u043E\u043B\u043E\u0441: p50 ${K(t.voice_to_voice_ms.p50)}, p95 ${K(t.voice_to_voice_ms.p95)}; \u0445\u043E\u0434\u043E\u0432: ${t.turns}`}function q(a){let t=Math.max(0,Math.round(a/1e3));return`${String(Math.floor(t/60)).padStart(2,"0")}:${String(t%60).padStart(2,"0")}`}function X({me:a}){let t=a.permissions.includes("place_calls"),[r,s]=i(""),[c,p]=i(!1),[b,h]=i(a.default_engine),[v,y]=i({kind:"bundled",value:(a.personas[0]||{}).id,ok:!0}),[m,u]=i(""),[l,d]=i(""),[n,$]=i(null),[o,w]=i(!1),[E,I]=i(null);S(()=>h(a.default_engine),[a.default_engine]);let g=pe(r.trim(),a.allowed_prefixes);async function T(_){if(_.preventDefault(),p(!0),!g){if(!v.ok){$({message:"\u041F\u0435\u0440\u0441\u043E\u043D\u0430 \u043D\u0435 \u043F\u0440\u043E\u0448\u043B\u0430 \u043F\u0440\u043E\u0432\u0435\u0440\u043A\u0443: \u0438\u0441\u043F\u0440\u0430\u0432\u044C\u0442\u0435 \u043E\u0448\u0438\u0431\u043A\u0438 \u0432 YAML \u0432\u044B\u0448\u0435."});return}w(!0),$(null);try{let O={};m.trim()&&(O.trainee=m.trim()),l.trim()&&(O.team=l.trim());let N={to:r.trim(),scenario:b,persona:v.value,labels:O};I(await k("POST","/call",N))}catch(O){$(O)}finally{w(!1)}}}if(E)return e`<${$e} start=${E} canStop=${t} onAgain=${()=>I(null)} />`;let z=n&&n.field;return e`
    <form class="card" onSubmit=${T} novalidate aria-labelledby="call-title">
      <h2 id="call-title">Звонок</h2>
      <div class="field">
        <label for="to">Номер оператора</label>
        <input id="to" type="tel" inputmode="tel" autocomplete="off" placeholder="+79161234567" value=${r}
          aria-invalid=${c&&g?"true":"false"} aria-describedby="to-error"
          onInput=${_=>s(_.target.value)} onBlur=${()=>p(!0)} />
        ${c&&g&&e`<p class="error" id="to-error">${g}</p>`}
        ${z==="to"&&e`<${x} error=${n} id="to-error" />`}
      </div>
      <fieldset class="field">
        <legend>Движок</legend>
        ${P.map(_=>e`
          <label class="radio"><input type="radio" name="engine" value=${_.id} checked=${b===_.id}
            onChange=${()=>h(_.id)} /> ${_.label}${_.id===a.default_engine?e` <span class="muted">(по умолчанию)</span>`:""}</label>`)}
      </fieldset>
      <${me} me=${a} persona=${v} setPersona=${y} />
      <div class="field pair">
        <div><label for="trainee">Стажёр (метка trainee)</label>
          <input id="trainee" value=${m} maxlength="100" onInput=${_=>u(_.target.value)} /></div>
        <div><label for="team">Команда (метка team)</label>
          <input id="team" value=${l} maxlength="100" onInput=${_=>d(_.target.value)} /></div>
      </div>
      ${n&&z!=="to"&&e`<${x} error=${n} />`}
      ${t?e`<button type="submit" class="primary" disabled=${o}>${o?"\u0417\u0432\u043E\u043D\u0438\u043C\u2026":"\u041F\u043E\u0437\u0432\u043E\u043D\u0438\u0442\u044C"}</button>`:e`<p class="note" id="viewer-note">Ваша роль — ${a.role==="viewer"?"\u043D\u0430\u0431\u043B\u044E\u0434\u0430\u0442\u0435\u043B\u044C":a.role}: звонить могут тренеры и администраторы.</p>`}
    </form>`}var ge=["starting","dialing","ringing","connected","completed","failed","no_answer","busy","rejected"],F={starting:"\u043D\u0430\u0431\u043E\u0440",dialing:"\u043D\u0430\u0431\u043E\u0440",ringing:"\u0437\u0432\u043E\u043D\u043E\u043A",connected:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440",...G},be={yes:"\u0434\u0430",partial:"\u0447\u0430\u0441\u0442\u0438\u0447\u043D\u043E",no:"\u043D\u0435\u0442",na:"\u043D\u0435\u043F\u0440\u0438\u043C\u0435\u043D\u0438\u043C\u043E"},ee=a=>a?a.slice(0,19).replace("T"," "):"\u2014",te=a=>a==null?"\u2014":`${Math.round(a/1e3)} \u0441`,M=a=>a==null?"\u2014":`${a} \u043C\u0441`;function he(a,t){let r=new URLSearchParams;for(let s of["engine","persona","status"])a[s]&&r.set(s,a[s]);for(let[s,c]of[["trainee",a.trainee],["team",a.team]])c&&c.trim()&&r.append("label",`${s}:${c.trim()}`);return a.since&&r.set("since",a.since),a.until&&r.set("until",a.until),r.set("limit","20"),t&&r.set("cursor",t),r.toString()}function ae({me:a}){let[t,r]=i({engine:"",persona:"",status:"",trainee:"",team:"",since:"",until:""}),[s,c]=i(t),[p,b]=i([null]),[h,v]=i(null),[y,m]=i(null),[u,l]=i(!1),d=p[p.length-1];S(()=>{let o=!0;return l(!0),k("GET",`/calls?${he(s,d)}`).then(w=>{o&&(v(w),m(null))}).catch(w=>{o&&m(w)}).finally(()=>{o&&l(!1)}),()=>{o=!1}},[s,d]);let n=o=>w=>r({...t,[o]:w.target.value});function $(o){o.preventDefault(),c(t),b([null])}return e`
    <section class="card" aria-labelledby="calls-title">
      <h2 id="calls-title">Звонки</h2>
      <form class="filters" onSubmit=${$} aria-label="Фильтры">
        <label>Движок<select value=${t.engine} onChange=${n("engine")}>
          <option value="">все</option>${P.map(o=>e`<option value=${o.id}>${o.label}</option>`)}</select></label>
        <label>Персона<select value=${t.persona} onChange=${n("persona")}>
          <option value="">все</option>${a.personas.map(o=>e`<option value=${o.id}>${o.name}</option>`)}</select></label>
        <label>Статус<select value=${t.status} onChange=${n("status")}>
          <option value="">все</option>${ge.map(o=>e`<option value=${o}>${F[o]||o} (${o})</option>`)}</select></label>
        <label>Стажёр<input value=${t.trainee} onInput=${n("trainee")} /></label>
        <label>Команда<input value=${t.team} onInput=${n("team")} /></label>
        <label>С даты<input type="date" value=${t.since} onInput=${n("since")} /></label>
        <label>По дату (не включая)<input type="date" value=${t.until} onInput=${n("until")} /></label>
        <button type="submit" class="primary">Показать</button>
      </form>
      <${x} error=${y} />
      <div class="table-wrap"><table class="calls" aria-busy=${u?"true":"false"}>
        <thead><tr><th scope="col">Начат (UTC)</th><th scope="col">Движок</th><th scope="col">Персона</th>
          <th scope="col">Метки</th><th scope="col">Статус</th><th scope="col">Длит.</th><th scope="col">v2v p50</th><th scope="col">Оценка</th></tr></thead>
        <tbody>
          ${h&&h.calls.length===0&&e`<tr><td colspan="8" class="muted">Звонков с такими условиями нет.</td></tr>`}
          ${h&&h.calls.map(o=>e`<tr>
            <td><a href=${`#/calls/${o.call_id}`}>${ee(o.created_at)}</a></td>
            <td>${C(o.engine)}</td><td>${o.persona||"\u2014"}</td>
            <td>${Object.entries(o.labels||{}).map(([w,E])=>e`<span class="badge">${w}: ${E}</span> `)}</td>
            <td>${F[o.status]||o.status}</td><td>${te(o.duration_ms)}</td>
            <td>${M(o.voice_to_voice_p50_ms)}</td>
            <td>${o.evaluation&&o.evaluation.operator_score!=null?`${o.evaluation.operator_score}/100`:"\u2014"}</td>
          </tr>`)}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Страницы">
        <button type="button" disabled=${p.length<2} onClick=${()=>b(p.slice(0,-1))}>Назад</button>
        <span class="muted">Страница ${p.length}</span>
        <button type="button" disabled=${!h||!h.next_cursor} onClick=${()=>b([...p,h.next_cursor])}>Дальше</button>
      </nav>
    </section>`}function Z({q:a,jump:t}){return e`<button type="button" class="quote" onClick=${()=>t(a)}>«${a.text}»</button>`}function ve({evaluation:a,jump:t}){if(!a||a.status==="pending")return e`<p class="muted" role="status">Оценка готовится: она появится здесь после окончания звонка.</p>`;if(a.status==="failed")return e`<p class="error">Оценка не удалась: ${a.reason}</p>`;let r=a.operator,s=a.cost;return e`
    ${r&&e`
      <p><strong>Оператор: ${r.score}/100</strong> (${r.level})${r.raw_score!==r.score?e` <span class="muted">до штрафов ${r.raw_score}</span>`:""}</p>
      <div class="table-wrap"><table class="scorecard">
        <thead><tr><th scope="col">Пункт</th><th scope="col">Итог</th><th scope="col">Цитаты</th></tr></thead>
        <tbody>${r.checklist.map(c=>e`<tr>
          <td>${c.question}${c.critical?e` <span class="badge">критичный</span>`:""}</td>
          <td class=${`verdict ${c.status}`}>${be[c.status]||c.status}${c.note?e`<br /><span class="muted">${c.note}</span>`:""}</td>
          <td>${c.quotes.map(p=>e`<${Z} q=${p} jump=${t} />`)}</td></tr>`)}</tbody>
      </table></div>
      ${r.issues.length>0&&e`<h4>Замечания</h4><ul>${r.issues.map(c=>e`<li><strong>${c.title}</strong> — ${c.recommendation}
        ${c.quotes.map(p=>e` <${Z} q=${p} jump=${t} />`)}</li>`)}</ul>`}`}
    <p class="muted">Метод оценки: ${a.method}${a.model?`, \u043C\u043E\u0434\u0435\u043B\u044C ${a.model}`:""}</p>
    <p>Верность персоне (клиент): <strong>${a.client.fidelity??"\u2014"}</strong>${a.client.fidelity!=null?"/100":""}</p>
    <p>Стоимость: <strong>${typeof s.total_usd=="number"?`$${s.total_usd.toFixed(4)}`:`\u043D\u0435\u0438\u0437\u0432\u0435\u0441\u0442\u043D\u0430 (\u0438\u0437\u0432\u0435\u0441\u0442\u043D\u0430\u044F \u0447\u0430\u0441\u0442\u044C $${s.known_usd.toFixed(4)})`}</strong>
      <span class="muted"> цены на ${s.pricing_as_of}</span></p>`}function ye({turns:a}){if(!a.length)return e`<p class="muted">Замеров по ходам нет.</p>`;let t=Math.max(...a.map(r=>r.voice_to_voice_ms||0),1);return e`
    <p class="muted">Конец речи оператора → запрос реплики → ответ бэкенда → первый звук клиента. Полоса — голос-в-голос;
      тёмная часть — запрос и ответ реплики (из них бэкенд и LLM), светлая — остальное (распознавание, синтез, сеть).</p>
    <ol class="timeline">${a.map(r=>{let s=r.voice_to_voice_ms,c=r.reply_roundtrip_ms;return e`<li>
        <span class="turn">ход ${r.turn}</span>
        <span class="bar" role="img" aria-label=${`\u0433\u043E\u043B\u043E\u0441-\u0432-\u0433\u043E\u043B\u043E\u0441 ${M(s)}, \u0440\u0435\u043F\u043B\u0438\u043A\u0430 ${M(c)}`}>
          ${s!=null&&e`<span class="whole" style=${`width:${100*s/t}%`}>
            ${c!=null&&e`<span class="reply" style=${`width:${Math.min(100,100*c/s)}%`}></span>`}</span>`}
        </span>
        <span class="figures">${M(s)}; реплика ${M(c)}; бэкенд ${M(r.backend_ms)}; LLM ${M(r.llm_ms)}${r.fallback?"; \u0437\u0430\u043F\u0430\u0441\u043D\u043E\u0439 \u043E\u0442\u0432\u0435\u0442":""}</span>
      </li>`})}</ol>`}function ne({callId:a}){let[t,r]=i(null),[s,c]=i(null),[p,b]=i(null),h=A(null);S(()=>{let u=!0,l=null;async function d(){try{let n=await k("GET",`/call/${a}`);if(!u)return;r(n);let $=!["completed","failed","no_answer","busy","rejected"].includes(n.status),o=!n.evaluation||n.evaluation.status==="pending";($||o)&&(l=setTimeout(d,2e3))}catch(n){u&&c(n)}}return d(),()=>{u=!1,clearTimeout(l)}},[a]);function v(u){let l=t.transcript,d=l.findIndex(o=>o.turn===u.turn&&(!u.who||o.who===u.who)&&o.text.includes(u.text.slice(0,20))),n=d>=0?d:l.findIndex(o=>o.turn===u.turn&&(!u.who||o.who===u.who));if(n<0)return;b(n);let $=h.current&&h.current.children[n];$&&($.scrollIntoView({block:"center"}),$.focus())}if(s)return e`<section class="card"><h2>Звонок</h2><${x} error=${s} /><p><a href="#/calls">← Все звонки</a></p></section>`;if(!t)return e`<section class="card"><p class="muted">Загрузка…</p></section>`;let y=t.transcript.length?t.transcript[0].t:0,m=t.summary||{};return e`
    <section class="card" aria-labelledby="detail-title">
      <p><a href="#/calls">← Все звонки</a></p>
      <h2 id="detail-title">Звонок ${C(t.engine)}: ${t.persona.name||t.persona.id}</h2>
      <dl class="facts">
        <dt>Идентификатор</dt><dd><code>${t.call_id}</code></dd>
        <dt>Статус</dt><dd>${F[t.status]||t.status}${t.end_reason?`, ${R[t.end_reason]||t.end_reason}`:""}</dd>
        <dt>Начат (UTC)</dt><dd>${ee(t.created_at)}</dd>
        <dt>Длительность</dt><dd>${te(t.duration_ms)}</dd>
        <dt>Метки</dt><dd>${Object.entries(t.labels||{}).map(([u,l])=>e`<span class="badge">${u}: ${l}</span> `)}${Object.keys(t.labels||{}).length?"":"\u2014"}</dd>
        <dt>Голос-в-голос</dt><dd>p50 ${M(m.voice_to_voice_ms&&m.voice_to_voice_ms.p50)}, p95 ${M(m.voice_to_voice_ms&&m.voice_to_voice_ms.p95)}</dd>
        <dt>Перебивания</dt><dd>${m.barge_ins??"\u2014"}</dd>
        ${t.fallback_reason&&e`<dt>Запасные ответы</dt><dd>${t.fallback_reason}</dd>`}
      </dl>
      <h3>Запись</h3>
      ${t.recording_url?e`<audio controls preload="none" src=${t.recording_url}></audio><p><a href=${t.recording_url} rel="noreferrer">Скачать запись</a></p>`:e`<p class="muted">Записи нет.</p>`}
      <h3>Расшифровка</h3>
      <ol class="transcript detail" ref=${h} aria-label="Расшифровка">
        ${t.transcript.map((u,l)=>e`<li tabindex="-1" class=${`line ${u.who}${p===l?" lit":""}`}>
          <span class="time">${q(u.t-y)}</span>
          <span class="who">${u.who==="client"?"\u041A\u043B\u0438\u0435\u043D\u0442":"\u041E\u043F\u0435\u0440\u0430\u0442\u043E\u0440"}</span>
          <span class="text">${u.text}${u.cut?e` <em class="tag">перебит</em>`:""}${u.barge_in?e` <em class="tag">перебивает</em>`:""}</span>
          <span class="v2v"></span></li>`)}
      </ol>
      <h3>Ходы</h3>
      <${ye} turns=${t.turns||[]} />
      <h3>Оценка</h3>
      <${ve} evaluation=${t.evaluation} jump=${v} />
      <h3>Ошибки</h3>
      ${(t.errors||[]).length===0&&!t.failure?e`<p class="muted">Ошибок нет.</p>`:e`<ul class="errors">
            ${t.failure&&e`<li>${t.failure.source}: ${t.failure.reason||t.failure.code}</li>`}
            ${(t.errors||[]).map(u=>e`<li>${u.where}${u.code?` (${u.code})`:""}: ${u.message}</li>`)}</ul>`}
    </section>`}var we={queued:"\u0432 \u043E\u0447\u0435\u0440\u0435\u0434\u0438",running:"\u0438\u0434\u0451\u0442",paused:"\u043D\u0430 \u043F\u0430\u0443\u0437\u0435",done:"\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D",cancelled:"\u043E\u0442\u043C\u0435\u043D\u0451\u043D"},re={queued:"\u0432 \u043E\u0447\u0435\u0440\u0435\u0434\u0438",waiting:"\u0436\u0434\u0451\u0442",dialing:"\u043D\u0430\u0431\u043E\u0440",live:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440",done:"\u0433\u043E\u0442\u043E\u0432\u043E",cancelled:"\u043E\u0442\u043C\u0435\u043D\u0451\u043D"},_e=[["mon","\u043F\u043D"],["tue","\u0432\u0442"],["wed","\u0441\u0440"],["thu","\u0447\u0442"],["fri","\u043F\u0442"],["sat","\u0441\u0431"],["sun","\u0432\u0441"]],le=new Set(["done","cancelled"]);function xe({me:a,onStarted:t}){let[r,s]=i((a.personas[0]||{}).id),[c,p]=i(P.map(f=>f.id)),[b,h]=i(""),[v,y]=i(1),[m,u]=i(2),[l,d]=i(5),[n,$]=i(!1),[o,w]=i({timezone:"Europe/Moscow",from:"09:00",to:"18:00",days:["mon","tue","wed","thu","fri"]}),[E,I]=i(null),[g,T]=i(!1),z=b.split(/[\s,;]+/).map(f=>f.trim()).filter(Boolean),_=z.length*c.length*v,O=(f,L)=>f.includes(L)?f.filter(j=>j!==L):[...f,L];async function N(f){f.preventDefault(),T(!0),I(null);try{let L={persona:r,engines:c,targets:z.map(j=>({to:j})),repeats:Number(v),max_concurrent:Number(m),start_interval_s:Number(l),...n?{window:o}:{}};t(await k("POST","/batches",L))}catch(L){I(L)}finally{T(!1)}}return e`
    <form class="card" onSubmit=${N} aria-labelledby="batch-title" novalidate>
      <h2 id="batch-title">Новый пакет</h2>
      <div class="field"><label for="batch-persona">Персона</label>
        <select id="batch-persona" value=${r} onChange=${f=>s(f.target.value)}>
          ${a.personas.map(f=>e`<option value=${f.id}>${f.name} (${f.id})</option>`)}</select></div>
      <fieldset class="field"><legend>Движки</legend>
        ${P.map(f=>e`<label class="radio"><input type="checkbox" checked=${c.includes(f.id)}
          onChange=${()=>p(O(c,f.id))} /> ${f.label}</label>`)}</fieldset>
      <div class="field"><label for="batch-targets">Номера операторов (через запятую или с новой строки)</label>
        <textarea id="batch-targets" rows="3" value=${b} onInput=${f=>h(f.target.value)}
          aria-describedby="batch-total"></textarea>
        <p class="muted" id="batch-total">Звонков в пакете: ${_} (номера × движки × повторы; не больше 300)</p></div>
      <div class="field triple">
        <div><label for="batch-repeats">Повторы</label><input id="batch-repeats" type="number" min="1" max="20" value=${v} onInput=${f=>y(f.target.value)} /></div>
        <div><label for="batch-concurrent">Одновременно</label><input id="batch-concurrent" type="number" min="1" max="20" value=${m} onInput=${f=>u(f.target.value)} /></div>
        <div><label for="batch-interval">Пауза между стартами, с</label><input id="batch-interval" type="number" min="0" max="3600" value=${l} onInput=${f=>d(f.target.value)} /></div>
      </div>
      <fieldset class="field"><legend>Окно звонков</legend>
        <label class="radio"><input type="checkbox" checked=${n} onChange=${()=>$(!n)} /> звонить только в заданные часы</label>
        ${n&&e`<div class="triple">
          <div><label for="batch-tz">Часовой пояс</label><input id="batch-tz" value=${o.timezone} onInput=${f=>w({...o,timezone:f.target.value})} /></div>
          <div><label for="batch-from">С</label><input id="batch-from" value=${o.from} onInput=${f=>w({...o,from:f.target.value})} /></div>
          <div><label for="batch-to">До</label><input id="batch-to" value=${o.to} onInput=${f=>w({...o,to:f.target.value})} /></div>
        </div>
        <div class="days">${_e.map(([f,L])=>e`<label class="radio"><input type="checkbox" checked=${o.days.includes(f)}
          onChange=${()=>w({...o,days:O(o.days,f)})} /> ${L}</label>`)}</div>`}
      </fieldset>
      <${x} error=${E} />
      <button type="submit" class="primary" disabled=${g}>${g?"\u0417\u0430\u043F\u0443\u0441\u043A\u0430\u0435\u043C\u2026":"\u0417\u0430\u043F\u0443\u0441\u0442\u0438\u0442\u044C \u043F\u0430\u043A\u0435\u0442"}</button>
    </form>`}function ke({batchId:a,canAct:t}){let[r,s]=i(null),[c,p]=i(null),[b,h]=i(null),[v,y]=i(0);S(()=>{let l=!0,d=null;async function n(){try{let $=await k("GET",`/batches/${a}`);if(!l||(s($),p(null),le.has($.state)))return}catch($){l&&p($)}d=setTimeout(n,1500)}return n(),()=>{l=!1,clearTimeout(d)}},[a,v]);async function m(l){h(null);try{await k("POST",`/batches/${a}/${l}`,{}),y(v+1)}catch(d){h(d)}}if(!r)return e`<section class="card">${c?e`<${x} error=${c} />`:e`<p class="muted">Загрузка…</p>`}</section>`;let u=r.counts&&r.counts.by_state||{};return e`
    <section class="card" aria-labelledby="batch-view-title">
      <h2 id="batch-view-title">Пакет <code>${a}</code></h2>
      <p role="status" class="status" data-state=${r.state}>Состояние: <strong>${we[r.state]||r.state}</strong>;
        сейчас в разговоре: ${r.live??0}</p>
      <p class="muted">${Object.entries(u).map(([l,d])=>`${re[l]||l}: ${d}`).join(" \xB7 ")}</p>
      ${t&&e`<div class="actions">
        ${["queued","running"].includes(r.state)&&e`<button type="button" onClick=${()=>m("pause")}>Пауза</button>`}
        ${r.state==="paused"&&e`<button type="button" onClick=${()=>m("resume")}>Продолжить</button>`}
        ${!le.has(r.state)&&e`<button type="button" class="danger" onClick=${()=>m("cancel")}>Отменить</button>`}
      </div>`}
      <${x} error=${b} />
      <p><a href=${`#/compare/${a}`}>Сравнение движков по этому пакету →</a></p>
      <div class="table-wrap"><table class="batch-items">
        <thead><tr><th scope="col">#</th><th scope="col">Номер</th><th scope="col">Движок</th><th scope="col">Состояние</th>
          <th scope="col">Попытка</th><th scope="col">Итог</th><th scope="col">Звонки</th></tr></thead>
        <tbody>${(r.items||[]).map((l,d)=>e`<tr>
          <td>${(l.index??d)+1}</td><td>${l.to}</td><td>${C(l.engine)}</td>
          <td>${re[l.state]||l.state}${l.reason?e` <span class="muted">(${l.reason})</span>`:""}</td>
          <td>${l.attempt??"\u2014"}</td><td>${l.outcome||"\u2014"}</td>
          <td>${(l.calls||[]).map(n=>e`<a href=${`#/calls/${n}`}>${n.slice(0,8)}</a> `)}</td></tr>`)}</tbody>
      </table></div>
    </section>`}function oe({me:a,batchId:t}){let r=a.permissions.includes("place_calls");return t?e`<${ke} key=${t} batchId=${t} canAct=${r} />`:r?e`<${xe} me=${a} onStarted=${s=>{location.hash=`#/batches/${s.batch_id}`}} />`:e`<section class="card"><h2>Пакеты</h2><p class="note">Запускать пакеты могут тренеры и администраторы.</p></section>`}function se({onChanged:a}){let[t,r]=i(null),[s,c]=i(null),[p,b]=i(null),[h,v]=i(!1),[y,m]=i("");async function u(){try{let d=await k("GET","/settings");r(d),b(d.default_engine)}catch(d){c(d)}}S(()=>{u()},[]);async function l(d){d.preventDefault(),v(!0),c(null),m("");try{let n=await k("PUT","/settings/default_engine",{engine:p});r(n),m(`\u0414\u0432\u0438\u0436\u043E\u043A \u043F\u043E \u0443\u043C\u043E\u043B\u0447\u0430\u043D\u0438\u044E \u0442\u0435\u043F\u0435\u0440\u044C \xAB${C(n.default_engine)}\xBB.`),a()}catch(n){c(n)}finally{v(!1)}}return t?e`
    <section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Настройки</h2>
      <h3>Маршрутизация сейчас</h3>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Движок</th><th scope="col">Правило Voximplant</th><th scope="col">Сценарий</th></tr></thead>
        <tbody>
          ${P.map(d=>{let n=t.engines[d.id];return e`<tr><th scope="row">${d.label}${d.id===t.default_engine?e` <span class="badge">по умолчанию</span>`:""}</th>
              <td>${n?n.rule:e`<span class="error">не настроено</span>`}${n&&n.application_name?e` <span class="muted">(${n.application_name})</span>`:""}</td>
              <td>${n?n.scenario_name:"\u2014"}</td></tr>`})}
        </tbody>
      </table></div>
      <dl class="facts">
        <dt>Разрешённые направления</dt><dd>${t.allowed_prefixes.join(", ")||"\u043D\u0438\u043A\u0430\u043A\u0438\u0435"}</dd>
        <dt>Номер по умолчанию</dt><dd>${t.default_caller_id||"\u043D\u0435 \u0437\u0430\u0434\u0430\u043D"}</dd>
        <dt>Предел длительности</dt><dd>${t.max_call_duration_s} с</dd>
      </dl>
      <form onSubmit=${l}>
        <fieldset class="field">
          <legend>Движок по умолчанию для всех (${t.parameter})</legend>
          ${P.map(d=>e`<label class="radio"><input type="radio" name="default-engine" value=${d.id}
            checked=${p===d.id} onChange=${()=>b(d.id)} /> ${d.label}</label>`)}
        </fieldset>
        <button type="submit" class="primary" disabled=${h||p===t.default_engine}>${h?"\u0421\u043E\u0445\u0440\u0430\u043D\u044F\u0435\u043C\u2026":"\u0421\u043E\u0445\u0440\u0430\u043D\u0438\u0442\u044C"}</button>
        <p role="status" class="ok">${y}</p>
        <${x} error=${s} />
      </form>
      <h3>Кто и когда менял</h3>
      ${t.history.length===0?e`<p class="muted">Из консоли ещё ничего не меняли.</p>`:e`
        <div class="table-wrap"><table class="history">
          <thead><tr><th scope="col">Когда (UTC)</th><th scope="col">Кто</th><th scope="col">Было</th><th scope="col">Стало</th></tr></thead>
          <tbody>${t.history.map(d=>e`<tr><td>${d.at.replace("T"," ").replace("+00:00","")}</td><td>${d.who}</td>
            <td>${C(d.old)}</td><td>${C(d.new)}</td></tr>`)}</tbody>
        </table></div>`}
    </section>`:e`<section class="card"><h2>Настройки</h2>${s?e`<${x} error=${s} />`:e`<p class="muted">Загрузка…</p>`}</section>`}function Se({onSignedIn:a}){let[t,r]=i(""),[s,c]=i(""),[p,b]=i(null),[h,v]=i(""),[y,m]=i(null),[u,l]=i(!1);async function d(n){n.preventDefault(),l(!0),m(null);try{let o=await Y(p?{username:t,new_password:h,session:p}:{username:t,password:s});B(o),a()}catch($){$.code==="new_password_required"&&b($.body.session),m($)}finally{l(!1)}}return e`
    <main class="signin">
      <form class="card" onSubmit=${d} aria-labelledby="signin-title">
        <h1 id="signin-title">Виртуальный клиент</h1>
        <p class="muted">Войдите, чтобы звонить и смотреть звонки.</p>
        <div class="field"><label for="username">Имя пользователя</label>
          <input id="username" autocomplete="username" value=${t} onInput=${n=>r(n.target.value)} required /></div>
        ${p?e`<div class="field"><label for="new-password">Новый пароль</label>
              <input id="new-password" type="password" autocomplete="new-password" value=${h} onInput=${n=>v(n.target.value)} required /></div>`:e`<div class="field"><label for="password">Пароль</label>
              <input id="password" type="password" autocomplete="current-password" value=${s} onInput=${n=>c(n.target.value)} required /></div>`}
        <${x} error=${y} />
        <button type="submit" class="primary" disabled=${u}>${u?"\u0412\u0445\u043E\u0434\u0438\u043C\u2026":"\u0412\u043E\u0439\u0442\u0438"}</button>
      </form>
    </main>`}var Ee=[{id:"call",title:"\u0417\u0432\u043E\u043D\u043E\u043A",may:()=>!0},{id:"calls",title:"\u0417\u0432\u043E\u043D\u043A\u0438",may:()=>!0},{id:"batches",title:"\u041F\u0430\u043A\u0435\u0442\u044B",may:()=>!0},{id:"compare",title:"\u0421\u0440\u0430\u0432\u043D\u0435\u043D\u0438\u0435",may:()=>!0},{id:"settings",title:"\u041D\u0430\u0441\u0442\u0440\u043E\u0439\u043A\u0438",may:a=>a.permissions.includes("change_routing")}];function ie(){let[a,t]=location.hash.replace(/^#\/?/,"").split("/");return{tab:a||"call",id:t||null}}function Te(a){let[t,r]=i(null),[s,c]=i(null);return S(()=>{import("./compare-QVLRNCSZ.js").then(r).catch(()=>c({message:"\u041D\u0435 \u0443\u0434\u0430\u043B\u043E\u0441\u044C \u0437\u0430\u0433\u0440\u0443\u0437\u0438\u0442\u044C \u0441\u0442\u0440\u0430\u043D\u0438\u0446\u0443 \u0441\u0440\u0430\u0432\u043D\u0435\u043D\u0438\u044F."}))},[]),s?e`<${x} error=${s} />`:t?e`<${t.ComparePage} ...${a} />`:e`<p class="muted">Загрузка…</p>`}function Ce(){let[a,t]=i(D()),[r,s]=i(null),[c,p]=i(null),[b,h]=i(ie());S(()=>{H(()=>{t(null),s(null)});let l=()=>h(ie());return addEventListener("hashchange",l),()=>removeEventListener("hashchange",l)},[]);async function v(){try{s(await k("GET","/me")),p(null)}catch(l){p(l)}}if(S(()=>{a&&v()},[a]),!a)return e`<${Se} onSignedIn=${()=>t(D())} />`;if(!r)return e`<main class="page">${c?e`<${x} error=${c} />`:e`<p class="muted">Загрузка…</p>`}</main>`;let y=Ee.filter(l=>l.may(r)),m=y.find(l=>l.id===b.tab)?b.tab:"call";function u(){B(null),t(null),s(null)}return e`
    <header class="top">
      <span class="brand">Виртуальный клиент</span>
      <nav aria-label="Разделы"><ul>
        ${y.map(l=>e`<li><a href=${`#/${l.id}`} aria-current=${l.id===m?"page":void 0}>${l.title}</a></li>`)}
      </ul></nav>
      <span class="who">${r.username} · ${V[r.role]||r.role}
        <button type="button" class="linklike" onClick=${u}>Выйти</button></span>
    </header>
    <main class="page">
      ${m==="call"&&e`<${X} me=${r} />`}
      ${m==="calls"&&!b.id&&e`<${ae} me=${r} />`}
      ${m==="calls"&&b.id&&e`<${ne} key=${b.id} callId=${b.id} />`}
      ${m==="batches"&&e`<${oe} key=${b.id||"new"} me=${r} batchId=${b.id} />`}
      ${m==="compare"&&e`<${Te} key=${b.id||"form"} me=${r} batchId=${b.id} />`}
      ${m==="settings"&&e`<${se} onChanged=${v} />`}
    </main>`}W(e`<${Ce} />`,document.getElementById("app"));
