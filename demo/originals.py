"""Made-up news stories that seed the copytrace demo corpus.

Every outlet, person, place and event below is invented for the demo; none of the text is taken
from a real publication. `make_demo.py` derives reprints, edits and rewrites from these stories.
"""

from __future__ import annotations

from typing import TypedDict


class Story(TypedDict):
    """One made-up news story as published by its original outlet."""

    id: str
    date: str
    site: str
    title: str
    paragraphs: list[str]


class HostArticle(TypedDict):
    """A newly written article whose own text surrounds a quoted excerpt of another story."""

    id: str
    date: str
    site: str
    title: str
    before: list[str]
    after: list[str]


def _paragraphs(block: str) -> list[str]:
    """Split a block on blank lines and unwrap each paragraph onto a single line."""
    # Wrapped source lines keep the module within the line-length limit; the data stays unwrapped.
    return [" ".join(chunk.split()) for chunk in block.strip().split("\n\n")]


#: The eight stories that other outlets copy in the demo.
ORIGINALS: list[Story] = [
    {
        "id": "harbor-ferry",
        "date": "2026-03-02",
        "site": "Northvale Gazette",
        "title": "Ferry crews walk out as harbour talks collapse",
        "paragraphs": _paragraphs(
            """
            Ferry services across Kestrel Harbour came to a standstill on Monday morning after
            deckhands and engineers walked off the job, stranding thousands of commuters on both
            sides of the water. The walkout began at five o'clock, minutes before the first
            crossing to Gull Island was due to leave the Pier Street terminal. By eight, queues
            of cars stretched past the fish market and up the hill towards the old customs
            house.

            The Maritime Workers Guild said the strike followed eleven weeks of failed
            negotiations with Tidewell Ferries over rest breaks and the rota for night
            crossings. Union organiser Patrice Okonjo told reporters that crews had been working
            fourteen-hour shifts with no guaranteed meal stop. "Nobody wants to leave passengers
            on the quay," she said, standing beside a picket line of orange life jackets. "But a
            tired crew on a cold sea is how accidents happen."

            Tidewell Ferries called the action premature and said it had offered a revised
            schedule only last Thursday. A company spokesman, Desmond Pryce, said managers were
            disappointed that the guild had not put the proposal to its members. He added that
            two chartered water taxis would run a limited shuttle for hospital staff and
            schoolchildren until normal sailings resumed.

            For islanders, the disruption landed hard. Marguerite Fenn, who runs a grocery on
            Gull Island, said her morning delivery of bread and milk never arrived and her
            shelves were half empty by noon. Several parents described paying for private boats
            so their teenagers could sit mock exams on the mainland.

            The harbour authority has asked both sides to meet at the neutral offices of the
            regional conciliation service on Wednesday. Guild members say the strike will
            continue at least until then, with pickets rotating every four hours. Travellers are
            being told to check the Tidewell website before setting out and to expect no vehicle
            crossings for the rest of the week.

            Businesses on the mainland side also reported a strange morning. The manager of a
            cafe beside the terminal said she had sold more coffee to stranded drivers than to
            her usual crowd of foot passengers, most of whom had simply stayed at home.
            """
        ),
    },
    {
        "id": "council-vote",
        "date": "2026-03-03",
        "site": "Northvale Gazette",
        "title": "Northvale council narrowly backs car-free market square",
        "paragraphs": _paragraphs(
            """
            Northvale City Council voted seven to six on Tuesday night to close Market Square to
            private cars from the start of June, ending a debate that has split the chamber for
            nearly two years. The decision came shortly before midnight, after more than four
            hours of speeches and a public gallery that was full long before the session opened.
            Supporters in green scarves cheered when the clerk read out the result, while a
            handful of shopkeepers walked out in silence.

            Under the plan, the square will be paved with granite setts, planted with twenty
            lime trees and fitted with benches and a small stage for buskers. Delivery vans will
            still be allowed in before ten each morning. The project is expected to cost just
            under three million pounds, most of it drawn from a regional fund for town-centre
            renewal.

            Councillor Imogen Threlfall, who chairs the planning committee, argued that footfall
            in pedestrian streets elsewhere had risen once traffic was removed. "We are not
            shutting the town out," she told colleagues. "We are inviting it back to sit down."

            Opponents were unconvinced. Councillor Barnaby Quill warned that elderly residents
            who rely on lifts from relatives would struggle to reach the pharmacy and the post
            office, and he accused the majority of rushing a vote before the consultation report
            was published. Several traders presented a petition carrying roughly four thousand
            signatures against the closure.

            The council has promised a free shuttle bus from the Ridley Road car park and twelve
            new disabled bays on the edge of the square. Officers will also monitor air quality
            and takings at neighbouring shops for a year before any permanent road order is
            signed. Construction is due to begin in April, and temporary barriers are expected
            within weeks.

            Quill said his group would seek a judicial review if the consultation findings, due
            later this month, show majority opposition. Threlfall said she welcomed scrutiny and
            was confident the numbers would hold.
            """
        ),
    },
    {
        "id": "lake-microbes",
        "date": "2026-03-04",
        "site": "Lowmoor Chronicle",
        "title": "Deep-lake microbes found feeding on dissolved iron",
        "paragraphs": _paragraphs(
            """
            Researchers at the University of Lowmoor say they have found a colony of bacteria
            living at the bottom of Carrow Water that survives by stripping electrons from
            dissolved iron, a trick never before recorded in a freshwater lake. The microbes
            were collected from sediment nearly ninety metres below the surface, where the water
            is cold, dark and almost free of oxygen. The findings were published on Wednesday in
            a peer-reviewed journal of environmental microbiology.

            The team, led by geochemist Anneliese Varga, spent three winters lowering sampling
            tubes through holes cut in the lake ice. Back in the laboratory, the samples glowed
            faintly rust-coloured under the microscope, and genetic sequencing revealed a strain
            that did not match any catalogued species. The researchers have nicknamed it the
            rust eater while a formal name is agreed.

            Varga said the organisms appear to build tiny protein wires that reach out to iron
            particles in the mud. "They are essentially breathing metal," she explained. "It
            sounds like science fiction, but the chemistry is surprisingly tidy once you see
            it."

            Other scientists called the work intriguing but cautioned against drawing sweeping
            conclusions from a single site. Professor Hamish Oduya, a microbiologist who was not
            involved in the study, said similar chemistry had been suspected in ocean vents but
            was hard to prove. He said he would like to see the experiment repeated in other
            deep, stratified lakes.

            The discovery could have practical uses. Bacteria that shuttle electrons through
            metal might one day help clean mine water laced with heavy metals, or serve as
            living components in small batteries that run on mud. Varga's group has already
            received a grant to test whether the strain can be grown in large tanks.

            For now, the colony lives in a refrigerated cabinet in a basement laboratory, fed on
            a diet of iron filings and lake water. The team plans to return to Carrow Water next
            winter to map how far the microbes spread across the lake floor.
            """
        ),
    },
    {
        "id": "cup-semifinal",
        "date": "2026-03-05",
        "site": "Eastfield Herald",
        "title": "Late header sends Eastfield Rovers into cup semi-final",
        "paragraphs": _paragraphs(
            """
            A towering header from substitute Kofi Brannigan in the ninety-third minute sent
            Eastfield Rovers into the county cup semi-final on Saturday, breaking the hearts of
            visitors Saltmarsh Athletic in front of a sold-out Brickfield Lane. The ball looped
            over the stretched fingers of goalkeeper Ruairi Dunne and dropped just inside the
            far post. Brannigan, who had been on the pitch for barely six minutes, vanished
            beneath a pile of teammates by the corner flag.

            Saltmarsh had looked the sharper side for most of the afternoon. Their captain,
            Lenka Moravec, opened the scoring midway through the first half with a curling free
            kick that clipped the crossbar on its way in. The visitors then hit the woodwork
            twice more before the break, and the home fans grew restless as passes went astray
            in midfield.

            Rovers manager Gordon Ashdown made a double change at half-time, and the switch to
            three at the back steadied his team. Winger Talia Osei levelled on the hour, cutting
            inside from the left and drilling a low shot through a crowd of legs. From then on
            the match swung from end to end, with both keepers making saves that drew applause
            from the rival stands.

            Saltmarsh were reduced to ten men with twelve minutes remaining when defender Caspar
            Lund received a second yellow card for a clumsy tackle near the halfway line. Their
            manager, Yvette Pelham, protested on the touchline and was later seen arguing with
            the fourth official. "It was never a booking," she said afterwards. "We were the
            better team and we go home with nothing."

            Ashdown praised his players for refusing to give up. "I told them at the interval
            that nobody remembers how you play, only whether you are still in the draw," he
            said. He reserved special mention for Brannigan, a nineteen-year-old who joined from
            the youth academy last summer.

            Rovers will face either Hollin Town or Marsden Vale in the semi-final next month.
            Tickets go on sale to season ticket holders on Tuesday, and the club expects another
            full house.
            """
        ),
    },
    {
        "id": "brack-flood",
        "date": "2026-03-06",
        "site": "Kestrel Bay Courier",
        "title": "River Brack bursts its banks, forcing hundreds from homes",
        "paragraphs": _paragraphs(
            """
            More than three hundred people were evacuated from low-lying streets in Brackwater
            overnight on Thursday after the River Brack rose almost two metres above its normal
            level and spilled into the town centre. Firefighters used inflatable boats to reach
            families trapped on upper floors along Mill Lane and Tanner's Row. By dawn, brown
            water lapped at the windowsills of the library and the bus station was closed.

            The flooding followed four days of relentless rain across the upland moors, where
            gauges recorded almost a month's rainfall in under a hundred hours. Environment
            officials said the river peaked shortly after three in the morning, overtopping a
            flood wall that was completed only five years ago. Engineers are now inspecting the
            wall for damage and trying to establish why a set of pumps near the railway bridge
            failed.

            At the leisure centre, which has been turned into a rest shelter, volunteers handed
            out blankets, tea and dry socks. Farida Lomax, a retired nurse, arrived with her two
            cats in a laundry basket and said she had never seen the water move so fast. "It
            came under the door like someone had turned on a tap," she said. "I grabbed the
            photo albums and the cats and that was it."

            Local businesses face a long clean-up. The owner of a hardware shop on Bridge Street
            estimated that most of his stock had been ruined, and several cafes said they would
            stay shut for weeks while floors dried out. Insurers have set up a mobile office in
            the supermarket car park to help residents begin claims.

            The mayor of Brackwater, Oswin Reyes, said the town would need government support to
            rebuild and called for an urgent review of upstream defences. Forecasters expect
            drier weather over the weekend, though another band of rain is due early next week.
            Residents have been warned not to walk or drive through floodwater, which may hide
            open drains and debris.
            """
        ),
    },
    {
        "id": "heater-recall",
        "date": "2026-03-07",
        "site": "Lowmoor Chronicle",
        "title": "Brightfold recalls smart heaters after reports of melting plugs",
        "paragraphs": _paragraphs(
            """
            Home electronics maker Brightfold has recalled almost forty thousand of its Ember
            Two smart heaters after customers reported plugs that softened, smoked or melted
            during use. The company said on Friday that a faulty batch of power cords could
            overheat when the heater ran at full output for several hours. No injuries have been
            confirmed, but at least two small fires in bedrooms are under investigation.

            The affected units were sold between September and January through the company's own
            online shop and three large retail chains. Owners can check whether their heater is
            included by reading a serial number printed beneath the stand; codes beginning with
            the letters EM2-K are part of the recall. Brightfold has urged anyone with a
            matching number to unplug the device immediately and stop using it.

            Customers will be offered either a full refund or a replacement heater with a
            redesigned cord, delivered free of charge. Chief executive Linnea Strand apologised
            in a short video posted to the company's social media channels. "We let our
            customers down, and we are going to put it right as quickly as we can," she said,
            adding that an outside laboratory had been hired to retest every product line.

            Consumer groups questioned why the recall took so long. A spokeswoman for the Fair
            Appliance Trust said the first complaints appeared on review sites in early
            December, more than two months before Brightfold acted. She said the episode showed
            that connected gadgets, which are often updated over the internet, still depend on
            old-fashioned hardware that can fail.

            The Ember Two was promoted as an energy-saving heater that could be controlled from
            a phone and scheduled to warm rooms before residents woke up. Its app will now
            display a warning banner on affected units and will switch them off remotely once
            owners confirm a return. Brightfold shares fell about six percent in afternoon
            trading.

            Trading standards officers have asked retailers to remove remaining stock from
            shelves and warehouses. Anyone who believes a heater has caused damage is being
            encouraged to keep the unit and photograph the plug as evidence.
            """
        ),
    },
    {
        "id": "museum-theft",
        "date": "2026-03-08",
        "site": "Eastfield Herald",
        "title": "Thieves take gold brooch collection from Eastfield Museum",
        "paragraphs": _paragraphs(
            """
            Thieves broke into the Eastfield Museum of Local History in the early hours of
            Sunday and escaped with a collection of seventh-century gold brooches valued at more
            than a million pounds. Police said the intruders entered through a skylight above
            the textiles gallery, lowered themselves on ropes and cut open a single display
            case. The entire raid appears to have taken less than nine minutes.

            The brooches, known collectively as the Harrowden Hoard, were unearthed by a farmer
            ploughing a barley field in the 1960s and have been the museum's most popular
            exhibit ever since. Each piece is decorated with garnets and tiny twisted threads of
            gold, and one carries an inscription that scholars have never fully deciphered.
            Curator Beatrix Allingham said the loss was devastating for the town.

            A night guard making his rounds heard glass breaking but reached the gallery only
            after the thieves had gone. Detectives believe the gang had studied the building
            carefully, since the alarm on the skylight had been disabled by a cut cable on the
            roof. Footage from a camera across the road shows a dark van leaving the service
            lane at a quarter past three.

            Detective Inspector Rowan Achebe appealed for anyone who saw vehicles parked near
            the museum in the preceding week to come forward. She warned that stolen antiquities
            are often melted down for their metal, which would destroy their historical value
            forever. "Whoever has these pieces is holding part of this town's story," she said.
            "We want them back in one piece."

            The museum will stay closed for at least a week while forensic teams examine the
            gallery. Volunteers who run the gift shop and cafe have set up a table outside the
            front doors to answer questions from visitors, many of whom arrived unaware of the
            break-in.

            Insurers have offered a reward of fifty thousand pounds for information leading to
            the recovery of the hoard. Allingham said staff were determined to reopen the
            textiles gallery with the brooches back in place, however long it takes.
            """
        ),
    },
    {
        "id": "gullhaven-election",
        "date": "2026-03-09",
        "site": "Kestrel Bay Courier",
        "title": "Newcomer wins Gullhaven ward by forty-one votes",
        "paragraphs": _paragraphs(
            """
            Independent candidate Rosalind Achterberg has won the Gullhaven ward by-election by
            just forty-one votes, overturning a majority that the Seaboard Alliance had held for
            more than two decades. The count at the sports hall stretched past two in the
            morning after a recount was requested by the losing side. When the returning officer
            finally read out the numbers, Achterberg covered her face with her hands and then
            hugged her campaign manager.

            Achterberg, a former primary school teacher who moved to the ward eight years ago,
            campaigned almost entirely on foot. She said she had knocked on more than three
            thousand doors since the autumn, often carrying a folding chair so that older voters
            could talk to her on their doorsteps. Her leaflets focused on potholes, late buses
            and the closure of the only dentist in the neighbourhood.

            The Seaboard Alliance candidate, Leopold Marchetti, congratulated his rival but said
            the result reflected low turnout rather than a change of heart. Only twenty-nine
            percent of registered voters cast a ballot, one of the lowest figures recorded in
            the district. Marchetti said his party would listen carefully to residents and
            rebuild trust before the full council elections next spring.

            Turnout was especially weak at the polling station in the Saint Anselm church hall,
            where a broken boiler left staff working in coats and scarves. Several voters
            complained that their polling cards had arrived late or listed the wrong address.
            The electoral office said it would investigate the errors and write to every
            affected household.

            Political observers said the result was a warning for established parties across the
            coast. Doctor Maren Ellery, who lectures in local government at Kestrel Bay College,
            said independents tend to do well when voters feel ignored on everyday issues.
            "People want someone who answers the phone," she said. "Achterberg made herself
            impossible to miss."

            Achterberg will take her seat at the next full council meeting in two weeks. She
            said her first act would be to press for a public meeting on the future of the
            dental surgery, and she promised to hold advice sessions of her own every Saturday
            outside the library.
            """
        ),
    },
]

#: Four unrelated stories that nobody copies; they keep the demo from being all positives.
STANDALONE: list[Story] = [
    {
        "id": "rye-loaf",
        "date": "2026-03-05",
        "site": "Northvale Gazette",
        "title": "Northvale baker's rye loaf crowned best in the county",
        "paragraphs": _paragraphs(
            """
            A dark rye loaf flavoured with caraway and black treacle has earned Northvale baker
            Ezra Holloway the top prize at the county bread festival, beating more than two
            hundred entries from professional and home bakers. The judges praised its crackling
            crust and a crumb they described as moist without being heavy. Holloway, who runs a
            two-oven bakery on Cobbler's Walk, learned the recipe from his grandmother.

            The festival, held in a marquee on the showground at Wexcombe, drew crowds despite
            gusty wind that threatened to lift the canvas. Visitors queued for tastings of
            sourdough, soda bread, braided challah and sweet buns studded with candied peel.
            Children's classes in kneading were so popular that organisers added extra sessions
            in the afternoon.

            Holloway said his secret was patience rather than any special ingredient. His
            starter is fed twice a day and the dough rests for almost thirty hours before it
            goes near the oven. "Rye will not be rushed," he said, dusting flour from his apron.
            "If you try to hurry it, it sulks."

            Head judge Cordelia Banerji said the standard had risen noticeably since the
            competition began twelve years ago. She singled out a group of teenage entrants from
            a catering course in Wexcombe, whose seeded spelt rolls took second place in the
            youth category. Banerji said several of them could be running their own bakeries
            within a decade.

            The win comes with a silver cup, a modest cash prize and a place at a national
            baking fair in the autumn. Holloway plans to spend the money on a new proving
            cabinet and is already fielding calls from restaurants asking to stock his bread. He
            has no plans to raise the price of a loaf, which has cost the same since the bakery
            opened.

            Regulars at the bakery were unsurprised. One customer, who has bought the same rye
            loaf every Friday for six years, said the judges had finally caught up with the rest
            of the street. Another joked that the Saturday queue would now reach all the way to
            the bus shelter.
            """
        ),
    },
    {
        "id": "snowy-owl",
        "date": "2026-03-10",
        "site": "Lowmoor Chronicle",
        "title": "Rare snowy owl draws birdwatchers to Lowmoor marshes",
        "paragraphs": _paragraphs(
            """
            A snowy owl, a bird of the Arctic tundra, has been spotted roosting on a fence post
            at the edge of the Lowmoor marshes, drawing hundreds of birdwatchers armed with
            telescopes and long lenses. The owl was first noticed on Sunday by a dog walker who
            mistook it for a plastic bag caught on wire. Experts believe it is a young female
            blown far off course by storms to the north.

            Wardens at the nature reserve have roped off a section of the footpath to stop
            crowds from approaching too closely. Owls that are disturbed repeatedly can burn
            energy they need to hunt, warned senior warden Thaddeus Morrow. He asked visitors to
            stay behind the tape, keep dogs on short leads and avoid using flash photography.

            The owl has so far appeared healthy, swooping low over the reeds at dusk and
            returning with voles. Enthusiasts have travelled from the remote northern islands
            and the southern coast, filling the small car park by the visitor centre before
            sunrise. The village pub has begun serving breakfast an hour early to cope with
            demand.

            Local ornithologist Priya Castellane said the last confirmed sighting of a snowy owl
            in the county was more than forty years ago. "You could spend a lifetime watching
            birds and never see one of these this far south," she said. "People are genuinely
            emotional when they catch sight of her."

            Nobody knows how long the visitor will stay. Snowy owls sometimes linger for weeks
            when food is plentiful, but they can also vanish overnight as the weather shifts.
            The reserve is posting daily updates on a notice board at the entrance and asking
            observers to log sightings without revealing the exact roost.

            Photographers have been asked to send their pictures to the reserve rather than to
            online groups that publish precise map references. Morrow said a similar rush three
            winters ago, when a pair of bitterns nested in the reeds, left trampled banks that
            took a full season to recover. He would rather the owl be remembered for its visit
            than for the damage done by its admirers.
            """
        ),
    },
    {
        "id": "youth-orchestra",
        "date": "2026-03-11",
        "site": "Eastfield Herald",
        "title": "Pupils' orchestra invited to play at international youth festival",
        "paragraphs": _paragraphs(
            """
            A youth orchestra made up of pupils from four Eastfield secondary schools has been
            invited to perform at an international music festival in the summer, the first time
            a state school ensemble from the town has received such an honour. The sixty-strong
            orchestra was chosen after organisers heard a recording of its winter concert, which
            included a suite of folk tunes arranged by the players themselves. Rehearsals have
            already doubled to three evenings a week.

            Conductor Ignatius Webb, who teaches music at Fernside Academy, said the invitation
            had left some students speechless. Many of them began learning instruments through a
            scheme that lends violins, cellos and trumpets to families who cannot afford to buy
            them. "Five years ago half of these children had never held a bow," he said. "Now
            they are going to play on the same stage as conservatoire students."

            The trip will cost roughly forty thousand pounds, covering coach travel,
            accommodation and insurance for the instruments. Parents have organised car boot
            sales, a sponsored silence and a quiz night at the rugby club, and a local haulage
            firm has offered to transport the timpani and double basses for free. The
            fundraising total passed the halfway mark this week.

            Seventeen-year-old oboist Sunniva Kiplagat said the orchestra had become a second
            family. She described rehearsals that run late into the evening, with older players
            helping younger ones master difficult passages during the breaks. Kiplagat hopes to
            study music at university and said performing abroad would be the highlight of her
            life so far.

            The orchestra will give a send-off concert at the Eastfield Corn Exchange in June,
            with proceeds going towards the trip. Tickets are available from the school offices
            and the box office, and organisers are encouraging residents to come along even if
            they rarely listen to classical music.

            Webb said the real reward would come afterwards, when the players return home with
            stories to tell younger pupils. He hopes the trip will persuade more families to
            sign up for the instrument loan scheme, which currently has a waiting list of nearly
            eighty children.
            """
        ),
    },
    {
        "id": "skerry-lighthouse",
        "date": "2026-03-12",
        "site": "Kestrel Bay Courier",
        "title": "Volunteers relight Skerry Point lighthouse after restoration",
        "paragraphs": _paragraphs(
            """
            The lamp at Skerry Point lighthouse shone across Kestrel Bay on Thursday evening for
            the first time in almost thirty years, after a restoration project run almost
            entirely by volunteers. A crowd of several hundred gathered on the headland in the
            drizzle to watch the beam sweep over the water. Some had brought flasks of soup and
            folding stools, and a brass band played sea shanties as the sun went down.

            The lighthouse was decommissioned in the 1990s when satellite navigation made it
            obsolete, and it had since fallen into disrepair. Salt had eaten into the iron
            railings, gulls nested in the lantern room and the keeper's cottage lost half its
            roof in a gale. A charitable trust bought the building for a symbolic single pound
            and began raising money to save it.

            Over six years, volunteers scraped and repainted the tower, repointed its stonework
            and restored the original glass lens, which had been stored in crates in a council
            depot. Retired marine engineer Gwendolyn Abara spent two winters rebuilding the
            clockwork mechanism that turns the lens. "Every gear had a story," she said. "Some
            of them had been patched by keepers who worked here a century ago."

            The light will not be used for navigation, but the coastguard has approved a reduced
            beam that shines for two hours each evening. The trust plans to open the tower to
            visitors at weekends from May, with guided climbs of the hundred and twelve steps to
            the lantern gallery. The restored cottage will be let to holidaymakers to help pay
            for upkeep.

            Trust chair Lachlan Ferreira said the project had shown what a small community could
            achieve. He thanked the local firms that donated scaffolding, paint and timber, and
            the schoolchildren who raised funds by selling painted pebbles on the seafront.
            Asked what comes next, he pointed at the crumbling fog-signal station further along
            the cliff and admitted that the volunteers had already started measuring it for new
            windows.
            """
        ),
    },
]

#: A new article that quotes part of "museum-theft"; only its own text is stored here.
EXCERPT_HOST: HostArticle = {
    "id": "museum-security",
    "date": "2026-03-20",
    "site": "Fenwick Times",
    "title": "Small museums count the cost of rooftop raids",
    "before": _paragraphs(
        """
        Across the region, curators of small and volunteer-run museums are quietly rethinking
        how they protect their most valuable objects. Many of these institutions occupy
        converted town halls, chapels and merchants' houses, buildings that were never designed
        to keep out a determined burglar. Insurance premiums have climbed over the past year,
        and several trustees told this newspaper they now spend more on locks than on new
        acquisitions.

        The worry sharpened after the loss of the Harrowden Hoard in Eastfield earlier this
        month. Our colleagues at the Eastfield Herald described that night as follows.
        """
    ),
    "after": _paragraphs(
        """
        Security consultants say the Eastfield raid followed a familiar pattern: a quiet
        approach across the roof, a single target chosen in advance and a getaway planned to the
        minute. Oliver Stanmore, who advises heritage trusts on risk, said that motion sensors
        on skylights cost less than one glass cabinet but are often left off shopping lists. He
        recommends that every collection review its rooftop access at least once a year, ideally
        with help from a police crime prevention officer.

        Some museums are choosing a different route altogether. The Sallow Tide Mill, a
        volunteer museum on the estuary, now displays replicas of its silver coins and keeps the
        originals in a bank vault, bringing them out for one open day each summer. Its chair,
        Winifred Oyelaran, admitted that visitors were sometimes disappointed. "But a replica in
        the case is better than an empty case," she said.
        """
    ),
}
